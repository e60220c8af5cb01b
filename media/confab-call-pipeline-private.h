/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests: what a ConfabCallPipeline is made of.
 */
#pragma once

#include "confab-call-pipeline.h"

G_BEGIN_DECLS

/* The GstPipeline holding the capture and the RTP session (named elements:
 * "rtpbin", "fec-enc", "fec-dec", "video-encoder", ...). */
GstPipeline *confab_call_pipeline_get_gst_pipeline (ConfabCallPipeline *self);

G_END_DECLS
