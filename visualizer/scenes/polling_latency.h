// The Polling scene's latency panel (issue 14 part 1): per-message delivery
// latency of each transport as a strip plot, one dot per message on a shared
// millisecond axis, with p50 and p90 marked, and a ring on every long-poll
// message that waited for a new poll request. The mean alone hid the spikes.
#pragma once

#include "model/stats.h"
#include "scenes/scene.h"

namespace viz {

// The height the panel wants at this scale and width (title, legend, two rows, axis).
float latency_panel_height(const SceneContext& ctx, const Stats& stats);
// Draws the panel in the current window, avail.x wide; uses about latency_panel_height().
void draw_latency_panel(SceneContext& ctx, const Stats& stats);

}  // namespace viz
