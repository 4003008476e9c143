/* vocab_docs.c -- the documents' tables of verdicts, groups, kinds and
 * inspectors' findings,
 * generated from labels/ so the documents say what the screens say.
 *
 * Usage: vocab_docs FILE...          fail (exit 1) when a generated block
 *                                     in the FILEs differs from labels/
 *        vocab_docs --write FILE...  rewrite the blocks in place
 *        vocab_docs --print          print every block
 * A block is the lines between "<!-- BEGIN NAME" and "<!-- END NAME" (NAME
 * verdict-table, group-table or finding-table); every block must be in one of
 * the FILEs. After changing a wording in labels/, scripts/vocab-docs.sh
 * rebuilds this and rewrites the documents (ctest runs the check as
 * vocab_docs). */
#include <labels.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) {
            fputs("vocab_docs: out of memory\n", stderr);
            exit(3);
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

/* A table cell: '|' would end the cell, so it is escaped. */
static void cell(text *t, const char *s)
{
    puts_(t, " ");
    for (; *s; s++)
        put(t, *s == '|' ? "\\|" : s, *s == '|' ? 2 : 1);
    puts_(t, " |");
}

static void code_cell(text *t, const char *s)
{
    puts_(t, " `");
    puts_(t, s);
    puts_(t, "` |");
}

static void verdict_table(text *t)
{
    puts_(t, "| Word | Tone | Vietnamese headline | English headline | "
             "Vietnamese advice | English advice |\n"
             "|---|---|---|---|---|---|\n");
    for (int v = 0; v < LABELS_V_COUNT_; v++) {
        puts_(t, "|");
        code_cell(t, labels_verdict_word((labels_verdict)v));
        cell(t, labels_tone_word(labels_verdict_tone((labels_verdict)v)));
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            cell(t, labels_verdict_headline((labels_verdict)v, (labels_lang)l));
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            cell(t, labels_verdict_advice((labels_verdict)v, (labels_lang)l));
        puts_(t, "\n");
    }
}

/* The spellings from index 2 on (0 and 1 are the code and the name). */
static void extra_cell(text *t, const char *(*spelling)(int, size_t), int x)
{
    const char *s;
    puts_(t, " ");
    for (size_t i = 2; (s = spelling(x, i)) != NULL; i++) {
        puts_(t, i > 2 ? ", `" : "`");
        puts_(t, s);
        puts_(t, "`");
    }
    puts_(t, " |");
}

static const char *group_spelling(int g, size_t i)
{
    return labels_group_spelling((labels_group)g, i);
}

static const char *kind_spelling(int k, size_t i)
{
    return labels_kind_spelling((labels_kind)k, i);
}

static void group_table(text *t)
{
    puts_(t, "| Group | Vietnamese | English | Also accepted |\n"
             "|---|---|---|---|\n");
    for (int g = 0; g < LABELS_G_COUNT_; g++) {
        puts_(t, "|");
        code_cell(t, labels_group_code((labels_group)g));
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            cell(t, labels_group_name((labels_group)g, (labels_lang)l));
        extra_cell(t, group_spelling, g);
        puts_(t, "\n");
    }
    puts_(t, "\n| Producer kind | Vietnamese | English | Also accepted |\n"
             "|---|---|---|---|\n");
    for (int k = 0; k < LABELS_K_COUNT_; k++) {
        puts_(t, "|");
        code_cell(t, labels_kind_code((labels_kind)k));
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            cell(t, labels_kind_name((labels_kind)k, (labels_lang)l));
        extra_cell(t, kind_spelling, k);
        puts_(t, "\n");
    }
}

static void finding_table(text *t)
{
    puts_(t, "| code | word | Vietnamese | English |\n"
             "| --- | --- | --- | --- |\n");
    for (int f = 0; f < LABELS_FD_COUNT_; f++) {
        char code[8];
        snprintf(code, sizeof code, "| F%d |", f + 1);
        puts_(t, code);
        code_cell(t, labels_finding_code((labels_finding)f));
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            cell(t, labels_finding_name((labels_finding)f, (labels_lang)l));
        puts_(t, "\n");
    }
}

static const struct {
    const char *name;
    void (*make)(text *);
} blocks[] = {
    {"verdict-table", verdict_table},
    {"group-table", group_table},
    {"finding-table", finding_table},
};
#define NBLOCKS (sizeof blocks / sizeof blocks[0])

static int read_file(const char *path, text *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        put(t, buf, n);
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* Start of the line after the first line beginning with prefix at or
 * after from, or NULL; *line gets the line's own start. */
static const char *after_line(const char *from, const char *prefix,
                              const char **line)
{
    size_t n = strlen(prefix);
    for (const char *p = from; p && *p;) {
        if (strncmp(p, prefix, n) == 0) {
            const char *nl = strchr(p, '\n');
            *line = p;
            return nl ? nl + 1 : p + strlen(p);
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* Replace (or compare) every block in t; *found gets a bit per block. */
static int process(const char *path, text *t, int write, unsigned *found)
{
    int differs = 0;
    for (size_t b = 0; b < NBLOCKS; b++) {
        char begin[64], end[64];
        snprintf(begin, sizeof begin, "<!-- BEGIN %s", blocks[b].name);
        snprintf(end, sizeof end, "<!-- END %s", blocks[b].name);
        const char *bl, *el;
        const char *body = after_line(t->p, begin, &bl);
        if (!body)
            continue;
        if (!after_line(body, end, &el)) {
            fprintf(stderr, "%s: %s without its end marker\n", path, begin);
            return -1;
        }
        *found |= 1u << b;
        text want = {0};
        blocks[b].make(&want);
        size_t have = (size_t)(el - body);
        if (have == want.len && memcmp(body, want.p, have) == 0) {
            free(want.p);
            continue;
        }
        differs = 1;
        if (!write) {
            fprintf(stderr,
                    "%s: the %s differs from labels/; rewrite it with "
                    "vocab_docs --write. It should be:\n%s",
                    path, blocks[b].name, want.p);
        } else {
            text out = {0};
            put(&out, t->p, (size_t)(body - t->p));
            put(&out, want.p, want.len);
            puts_(&out, el);
            free(t->p);
            *t = out;
        }
        free(want.p);
    }
    return differs;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--print") == 0) {
        for (size_t b = 0; b < NBLOCKS; b++) {
            text t = {0};
            blocks[b].make(&t);
            printf("<!-- %s -->\n%s", blocks[b].name, t.p);
            free(t.p);
        }
        return 0;
    }
    int write = argc > 1 && strcmp(argv[1], "--write") == 0;
    if (argc - write < 2) {
        fputs("usage: vocab_docs [--write] FILE... | --print\n", stderr);
        return 2;
    }
    unsigned found = 0;
    int rc = 0;
    for (int i = 1 + write; i < argc; i++) {
        text t = {0};
        if (read_file(argv[i], &t) < 0) {
            perror(argv[i]);
            return 3;
        }
        int d = process(argv[i], &t, write, &found);
        if (d < 0)
            rc = 3;
        else if (d && !write)
            rc = 1;
        else if (d && write) {
            int w = labels_file_write_atomic(argv[i], t.p, t.len, 0644, 0);
            if (w != LABELS_OK) {
                fprintf(stderr, "%s: %s\n", argv[i], labels_strerror(w));
                rc = 3;
            } else {
                printf("rewrote %s\n", argv[i]);
            }
        }
        free(t.p);
    }
    for (size_t b = 0; b < NBLOCKS; b++)
        if (!(found & (1u << b))) {
            fprintf(stderr, "no <!-- BEGIN %s --> block in the files given\n",
                    blocks[b].name);
            rc = rc ? rc : 1;
        }
    return rc;
}
