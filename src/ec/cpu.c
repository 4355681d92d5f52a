/*
 * src/ec/cpu.c - run-time choice of the Montgomery kernel.
 *
 * The MULX/ADCX/ADOX kernel needs BMI2 and ADX (CPUID leaf 7, EBX bits 8 and
 * 19). CK_NO_ADX=1 in the environment forces the portable C kernel, e.g. for
 * tools that do not model those instructions.
 */
#include <stdlib.h>
#include "ec/internal.h"
#include "ec/fp_mul.h"

#ifdef CK_HAVE_ADX_KERNEL
#include <cpuid.h>

int ck_cpu_has_adx;

__attribute__((constructor)) static void ck_cpu_detect(void)
{
    unsigned a, b, c, d;
    const char *off = getenv("CK_NO_ADX");
    if (off && *off && *off != '0') return;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    ck_cpu_has_adx = ((b >> 8) & 1) && ((b >> 19) & 1);
}
#else
/* The portable kernel is the only one on this target. */
typedef int ck_cpu_unused;
#endif
