// Figures printed by --bench-frames (bench/visualizer/frame_time.sh).
#pragma once

#include <cstddef>
#include <vector>

namespace viz {

// CPU time of the whole process (every thread, llvmpipe's rasteriser threads
// included): on a shared machine it moves less than wall time.
double process_cpu_ms();

// One line: whole frames (build + rasterise + glFinish) as median / p95 / max,
// the UI-only part (ImGui and our code on the CPU), the process's CPU time per
// frame, and the last frame's draw load (fill_screens, triangles).
void print_frame_stats(std::vector<double> ms, std::vector<double> ui, std::vector<double> cpu, std::size_t events,
                       const char* scene);

}  // namespace viz
