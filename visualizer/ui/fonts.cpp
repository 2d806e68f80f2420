// Builds the font atlas from DejaVu TTFs at px * display scale.
#include "ui/fonts.h"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace viz {

const ImWchar* glyph_ranges() {
  static const ImWchar ranges[] = {
      0x0020, 0x00FF,   // Basic Latin + Latin-1 Supplement
      0x2010, 0x2027,   // dashes, quotes, bullet, ellipsis
      0x2030, 0x203A,   // per mille, primes, angle quotes
      0x2190, 0x21FF,   // arrows
      0x2212, 0x2212,   // minus sign
      0x2248, 0x2265,   // ≈ ≠ ≤ ≥
      0x2500, 0x257F,   // box drawing
      0x25A0, 0x25FF,   // geometric shapes (▶ ■ ●)
      0x2713, 0x2718,   // ✓ ✔ ✕ ✖ ✗ ✘
      0x26A0, 0x26A0,   // ⚠
      0xFFFD, 0xFFFD,   // replacement character
      0,
  };
  return ranges;
}

const char* font_dir() {
  static std::string dir = [] {
    if (const char* env = std::getenv("WIRELAB_FONT_DIR"); env && *env) return std::string(env);
    return std::string("/usr/share/fonts/truetype/dejavu");
  }();
  return dir.c_str();
}

bool build_fonts(Fonts& fonts, float scale, const char** error) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  static std::string missing;
  const std::string dir = font_dir();
  auto load = [&](const char* file, float px) -> ImFont* {
    const std::string path = dir + "/" + file;
    if (!std::filesystem::exists(path)) {
      missing = path;
      return nullptr;
    }
    ImFontConfig cfg;
    cfg.OversampleH = px * scale >= 40.0f ? 1 : 2;   // big glyphs need no oversampling; keeps the atlas small at 3x
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    return io.Fonts->AddFontFromFileTTF(path.c_str(), px * scale, &cfg, glyph_ranges());
  };
  fonts.body = load("DejaVuSans.ttf", FontSizes::body);   // first font = ImGui's default
  fonts.bold = load("DejaVuSans-Bold.ttf", FontSizes::body);
  fonts.heading = load("DejaVuSans-Bold.ttf", FontSizes::heading);
  fonts.title = load("DejaVuSans-Bold.ttf", FontSizes::title);
  fonts.mono = load("DejaVuSansMono.ttf", FontSizes::mono);
  fonts.mono_big = load("DejaVuSansMono-Bold.ttf", FontSizes::mono_big);
  fonts.scale = scale;
  if (!fonts.body || !fonts.bold || !fonts.heading || !fonts.title || !fonts.mono || !fonts.mono_big) {
    if (error) *error = missing.c_str();
    return false;
  }
  io.Fonts->Build();
  return true;
}

}  // namespace viz
