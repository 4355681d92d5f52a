/*
 * src/ec/cpu.c - run-time choice of the Montgomery kernel.
 *
 * The MULX/ADCX/ADOX kernel needs BMI2 and ADX (CPUID leaf 7, EBX bits 8 and
 * 19). CK_NO_ADX=1 in the environment forces the portable C kernel, e.g. for
 * tools that do not model those instructions.
 *
 * The AVX-512 IFMA chain of compressed squarings (cyclotomic_ifma.c) needs
 * AVX512F and AVX512IFMA (leaf 7, EBX bits 16 and 21) and an OS that saves
 * the opmask and ZMM registers (OSXSAVE, then XCR0 bits 1, 2 and 5-7).
 * CK_NO_IFMA=1 turns it off.
 */
#include <stdlib.h>
#include "ec/internal.h"
#include "ec/fp_mul.h"

#if defined(CK_HAVE_ADX_KERNEL) || defined(CK_HAVE_IFMA_KERNEL)
#include <cpuid.h>
#endif

#ifdef CK_HAVE_ADX_KERNEL
int ck_cpu_has_adx;

__attribute__((constructor)) static void ck_cpu_detect(void)
{
    unsigned a, b, c, d;
    const char *off = getenv("CK_NO_ADX");
    if (off && *off && *off != '0') return;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    ck_cpu_has_adx = ((b >> 8) & 1) && ((b >> 19) & 1);
}
#endif

int ck_cpu_has_ifma;

#ifdef CK_HAVE_IFMA_KERNEL
static int os_saves_zmm(void)
{
    unsigned a, b, c, d, lo, hi;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0xe6) == 0xe6;
}

__attribute__((constructor)) static void ck_cpu_detect_ifma(void)
{
    unsigned a, b, c, d;
    const char *off = getenv("CK_NO_IFMA");
    if (off && *off && *off != '0') return;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    ck_cpu_has_ifma = ((b >> 16) & 1) && ((b >> 21) & 1) && os_saves_zmm();
}
#endif

