/* reader_pool.c -- a few threads the live reader spreads its retries
 * over: a kiosk board has several cores and one camera. The caller of
 * labels_read() stays the only thread that reports codes; workers only
 * run attempts (each with its own ZBar scanner) and hand back what they
 * read. */
#include "reader_int.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

struct rd_pool {
    pthread_t th[RD_POOL_MAX];
    int n; /* workers started */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long round; /* bumped for each rd_pool_run */
    int running;         /* workers still in this round */
    int quit;
    void (*work)(void *ctx, int w);
    void *ctx;
};

typedef struct start {
    rd_pool *p;
    int w;
} start;

static void *worker(void *arg)
{
    rd_pool *p = ((start *)arg)->p;
    int w = ((start *)arg)->w;
    free(arg);
    unsigned long seen = 0;
    if (pthread_mutex_lock(&p->mu) != 0)
        return NULL;
    for (;;) {
        while (!p->quit && p->round == seen)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->quit)
            break;
        seen = p->round;
        void (*work)(void *, int) = p->work;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->mu);
        work(ctx, w);
        /* locking a working default mutex its own thread does not hold
         * cannot fail; if it did, stop rather than touch the count */
        if (pthread_mutex_lock(&p->mu) != 0)
            return NULL;
        if (--p->running == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

rd_pool *rd_pool_new(int workers)
{
    if (workers < 1)
        return NULL;
    if (workers > RD_POOL_MAX)
        workers = RD_POOL_MAX;
    rd_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->go, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->go);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    /* Workers take no signals: the program's threads and handlers are
     * its own business (the kiosk reads them from a signalfd). They
     * inherit the mask in force at pthread_create. */
    sigset_t all, old;
    sigfillset(&all);
    int masked = pthread_sigmask(SIG_SETMASK, &all, &old) == 0;
    for (int i = 0; masked && i < workers; i++) {
        start *s = malloc(sizeof *s);
        if (!s)
            break;
        s->p = p;
        s->w = i + 1;
        if (pthread_create(&p->th[i], NULL, worker, s) != 0) {
            free(s);
            break;
        }
        p->n++;
    }
    if (masked && pthread_sigmask(SIG_SETMASK, &old, NULL) != 0) {
        /* cannot happen with a mask pthread_sigmask itself returned; the
         * workers are fine either way */
    }
    if (p->n == 0) {
        rd_pool_free(p);
        return NULL;
    }
    return p;
}

void rd_pool_free(rd_pool *p)
{
    if (!p)
        return;
    if (pthread_mutex_lock(&p->mu) == 0) {
        p->quit = 1;
        pthread_cond_broadcast(&p->go);
        pthread_mutex_unlock(&p->mu);
    }
    for (int i = 0; i < p->n; i++)
        pthread_join(p->th[i], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->go);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int rd_pool_workers(const rd_pool *p) { return p ? p->n : 0; }

void rd_pool_run(rd_pool *p, void (*work)(void *ctx, int w), void *ctx)
{
    if (!p || pthread_mutex_lock(&p->mu) != 0) {
        work(ctx, 0);
        return;
    }
    p->work = work;
    p->ctx = ctx;
    p->running = p->n;
    p->round++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    work(ctx, 0);
    if (pthread_mutex_lock(&p->mu) != 0)
        return; /* cannot happen: see worker() */
    while (p->running > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
