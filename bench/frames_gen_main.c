/* frames_gen_main.c -- write the benchmark's camera-like frames to a
 * folder for other tools: PGM files (JPEG files for the jpeg category,
 * holding exactly the compressed bytes), signer.pub, and manifest.tsv
 * with one line per frame: file, category, level, expected QR text ("" for
 * empty frames; a tab-separated text per label for frames of several).
 *
 *   frames_gen DIR [--per-level N] [--seed S] */
#include "frames_gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    int per_level = 4;
    unsigned long long seed = 1;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--per-level"))
            per_level = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--seed"))
            seed = strtoull(argv[++i], NULL, 10);
        else if (!dir && argv[i][0] != '-')
            dir = argv[i];
        else
            dir = NULL, i = argc;
    }
    if (!dir || per_level < 1 || per_level > 1000) {
        fprintf(stderr, "usage: frames_gen DIR [--per-level N] [--seed S]\n");
        return 2;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "frames_gen: cannot create %s: %s\n", dir,
                strerror(errno));
        return 3;
    }
    labels_pubkey pub;
    labels_seckey sec;
    char path[4096];
    char *mtext = NULL;
    size_t mlen = 0;
    if (fg_keys(seed, &pub, &sec) != LABELS_OK) {
        fprintf(stderr, "frames_gen: key setup failed\n");
        return 3;
    }
    snprintf(path, sizeof path, "%s/signer.pub", dir);
    int rc = labels_pubkey_write(path, &pub, "bench frames signer");
    if (rc != LABELS_OK && rc != LABELS_ERR_EXISTS) {
        fprintf(stderr, "frames_gen: %s: %s\n", path, labels_strerror(rc));
        return 3;
    }
    /* The manifest is written last, in one piece: a folder with a
     * manifest is complete. */
    FILE *man = open_memstream(&mtext, &mlen);
    if (!man) {
        fprintf(stderr, "frames_gen: out of memory\n");
        return 3;
    }
    int status = 0;
    for (int cat = 0; cat < FG_CATEGORY_COUNT && !status; cat++)
        for (int level = 0; level < FG_LEVELS && !status; level++)
            for (int idx = 0; idx < per_level && !status; idx++) {
                char text[FG_MAX_LABELS][LABELS_TEXT_MAX + 1];
                const char *tp[FG_MAX_LABELS];
                size_t len[FG_MAX_LABELS];
                int nl = fg_label_count(cat, level);
                for (int k = 0; k < nl && !status; k++) {
                    tp[k] = text[k];
                    if (fg_label_text_k(&sec, cat, level, idx, k, text[k],
                                        sizeof text[k], &len[k]) != LABELS_OK)
                        status = 3;
                }
                if (status)
                    break;
                labels_image img;
                uint8_t *jpg = NULL;
                size_t jlen = 0;
                if (fg_make_n(cat, level, idx, seed, tp, len, nl, &img, &jpg,
                              &jlen) != LABELS_OK) {
                    status = 3;
                    break;
                }
                char name[256];
                snprintf(name, sizeof name, "%s_%d_%02d.%s",
                         fg_category_name(cat), level, idx,
                         jpg ? "jpg" : "pgm");
                snprintf(path, sizeof path, "%s/%s", dir, name);
                int ok;
                if (jpg) {
                    ok = labels_file_write_atomic(path, jpg, jlen, 0644, 0) ==
                         LABELS_OK;
                } else {
                    ok = fg_pgm_write(path, &img) == 0;
                }
                free(jpg);
                labels_image_free(&img);
                if (!ok) {
                    fprintf(stderr, "frames_gen: cannot write %s\n", path);
                    status = 3;
                    break;
                }
                fprintf(man, "%s\t%s\t%d", name, fg_category_name(cat), level);
                for (int k = 0; k < nl; k++)
                    fprintf(man, "\t%.*s", (int)len[k], text[k]);
                fprintf(man, nl ? "\n" : "\t\n");
            }
    labels_seckey_wipe(&sec);
    if (fclose(man) != 0 && !status)
        status = 3;
    snprintf(path, sizeof path, "%s/manifest.tsv", dir);
    if (!status &&
        labels_file_write_atomic(path, mtext, mlen, 0644, 0) != LABELS_OK) {
        fprintf(stderr, "frames_gen: cannot write %s\n", path);
        status = 3;
    }
    free(mtext);
    if (status == 3)
        fprintf(stderr, "frames_gen: failed\n");
    return status;
}
