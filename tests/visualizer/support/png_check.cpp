// viz-png-check FILE.png [--min-colours N] [--min-foreground F]: is a screenshot
// a picture or a blank? Prints width, height, distinct colours and the share
// of pixels that differ from the most common colour (the background); exits 1
// when there are fewer than N colours (default 16) or less than F (default
// 0.02) foreground. Reads the PNG with stb_image (libstb).
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: viz-png-check FILE.png [--min-colours N] [--min-foreground F]\n");
    return 2;
  }
  std::size_t min_colours = 16;
  double min_foreground = 0.02;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--min-colours") == 0) min_colours = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--min-foreground") == 0) min_foreground = std::strtod(argv[i + 1], nullptr);
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "viz-png-check: cannot read %s: %s\n", argv[1], stbi_failure_reason());
    return 2;
  }
  std::unordered_map<unsigned, std::size_t> counts;
  const std::size_t total = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  for (std::size_t i = 0; i < total; ++i) {
    const unsigned c = (static_cast<unsigned>(px[3 * i]) << 16) | (static_cast<unsigned>(px[3 * i + 1]) << 8) | px[3 * i + 2];
    ++counts[c];
  }
  stbi_image_free(px);
  std::size_t background = 0;
  for (const auto& [c, k] : counts) background = k > background ? k : background;
  const double foreground = total ? 1.0 - static_cast<double>(background) / static_cast<double>(total) : 0.0;
  std::printf("%s: %dx%d, %zu colours, %.1f%% foreground\n", argv[1], w, h, counts.size(), foreground * 100.0);
  if (counts.size() < min_colours || foreground < min_foreground) {
    std::fprintf(stderr, "viz-png-check: %s looks blank: should have had >= %zu colours and >= %.1f%% foreground\n", argv[1],
                 min_colours, min_foreground * 100.0);
    return 1;
  }
  return 0;
}
