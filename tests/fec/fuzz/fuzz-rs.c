/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target; the logic lives in confab-fuzz-targets.c so the corpus replay test runs
 * it too. */
#include <stddef.h>
#include <stdint.h>

#include "confab-fuzz-targets.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  confab_fuzz_rs (data, size);
  return 0;
}
