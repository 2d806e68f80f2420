// Themes for a projector (issue 4 §4): body text at least 7:1 against every
// surface it is drawn on, in all three themes, secondary text too;
// kind colours distinguishable from the background (3:1, the WCAG figure for
// graphics), and at 7:1 in the high-contrast theme. Font sizes: nothing below 20 px at 1x.
#include <gtest/gtest.h>

#include <string>

#include "ui/fonts.h"
#include "ui/theme.h"

namespace viz {
namespace {

struct Named { const char* name; ImVec4 colour; };

class VizTheme : public ::testing::TestWithParam<ThemeId> {};

TEST_P(VizTheme, BodyTextIsAtLeastSevenToOne) {
  const Theme& t = theme(GetParam());
  for (const Named& bg : {Named{"background", t.background}, Named{"panel", t.panel}, Named{"panel_alt", t.panel_alt},
                          Named{"selection_bg", t.selection_bg}}) {
    EXPECT_GE(contrast_ratio(t.text, bg.colour), 7.0) << t.name << ": text on " << bg.name;
    // Secondary text is read from the back of the room too: the body-text promise.
    EXPECT_GE(contrast_ratio(t.text_dim, bg.colour), 7.0) << t.name << ": text_dim on " << bg.name;
  }
}

TEST_P(VizTheme, KindColoursStandOutFromTheBackground) {
  const Theme& t = theme(GetParam());
  const double need = GetParam() == ThemeId::high_contrast ? 7.0 : 3.0;
  for (UnitKind k : {UnitKind::http, UnitKind::text, UnitKind::binary, UnitKind::control, UnitKind::close, UnitKind::raw,
                     UnitKind::meta, UnitKind::violation}) {
    EXPECT_GE(contrast_ratio(t.kind_color(k), t.background), need) << t.name << ": " << unit_kind_name(k);
    EXPECT_GE(contrast_ratio(t.kind_color(k), t.panel), need) << t.name << ": " << unit_kind_name(k) << " on panel";
    // Labels drawn on a kind-coloured chip.
    EXPECT_GE(contrast_ratio(t.on_kind, t.kind_color(k)), 4.5) << t.name << ": on_kind on " << unit_kind_name(k);
  }
}

INSTANTIATE_TEST_SUITE_P(AllThemes, VizTheme, ::testing::Values(ThemeId::dark, ThemeId::light, ThemeId::high_contrast),
                         [](const ::testing::TestParamInfo<ThemeId>& p) { return std::string(theme_id_name(p.param)); });

TEST(VizThemeNames, ParseTheCommandLineNames) {
  ThemeId id{};
  EXPECT_TRUE(parse_theme_id("contrast", id));
  EXPECT_EQ(id, ThemeId::high_contrast);
  EXPECT_TRUE(parse_theme_id("light", id));
  EXPECT_EQ(id, ThemeId::light);
  EXPECT_FALSE(parse_theme_id("neon", id));
  EXPECT_NEAR(contrast_ratio(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)), 21.0, 0.01);
}

TEST(VizFonts, NothingSmallerThanTwentyPixelsAtOneX) {
  for (float px : {FontSizes::body, FontSizes::mono, FontSizes::heading, FontSizes::title, FontSizes::mono_big}) {
    EXPECT_GE(px, 20.0f);
  }
}

}  // namespace
}  // namespace viz
