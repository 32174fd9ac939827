// Memory bandwidth of this machine, STREAM-triad style: a[i] = b[i] + s * c[i] over three 512 MiB arrays,
// best of 5, with 1 and with all threads (OpenMP). Prints GB/s counting 3 arrays x 8 bytes per element moved
// (the write-allocate read of `a` is not counted, as STREAM does).
// Build and run: cc -O2 -fopenmp scripts/membw.c -o /tmp/membw && /tmp/membw
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static double triad(double *a, const double *b, const double *c, long n, int threads) {
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        #pragma omp parallel for num_threads(threads) schedule(static)
        for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
        double t = now() - t0;
        if (t < best) best = t;
    }
    return 3.0 * 8.0 * (double)n / best / 1e9;
}

int main(void) {
    long n = 64L * 1024 * 1024;   // 512 MiB per array
    double *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8);
    if (!a || !b || !c) return 1;
    #pragma omp parallel for
    for (long i = 0; i < n; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
    int all = omp_get_max_threads();
    printf("triad_gbs_1_thread=%.1f\n", triad(a, b, c, n, 1));
    printf("triad_gbs_%d_threads=%.1f\n", all, triad(a, b, c, n, all));
    return 0;
}
