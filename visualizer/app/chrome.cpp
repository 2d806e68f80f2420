// The shell's chrome: the scene tabs (top), the feed status and playback
// controls (bottom), the help overlay, blackout, the "no relay" offer and
// toasts. Everything is sized from the current fonts, so it scales with
// the display scale.
#include <algorithm>
#include <cstdio>

#include "app/shell.h"
#include "feeds/live.h"
#include "feeds/replay.h"
#include "ui/widgets.h"

namespace viz {
namespace {
constexpr ImGuiWindowFlags kBarFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                       ImGuiWindowFlags_NoScrollWithMouse;

std::string with_commas(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), 1, ',');
  return s;
}

void badge(const char* text, const ImVec4& fill, const ImVec4& fg) {
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec2 size(ts.x + st.FramePadding.x * 2, ImGui::GetFrameHeight());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), Theme::u32(fill), size.y * 0.5f);
  dl->AddText(ImVec2(p.x + st.FramePadding.x, p.y + st.FramePadding.y), Theme::u32(fg), text);
  ImGui::Dummy(size);
}
}  // namespace

void Shell::draw_top_bar(float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Theme& th = current_theme();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(ImVec2(vp->Size.x, height));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, th.panel);
  ImGui::Begin("##top", nullptr, kBarFlags);
  // Full titles when they fit; else only the active tab keeps its title.
  float full = 0.0f;
  for (const auto& sc : scenes_) full += ImGui::CalcTextSize(sc->title()).x + ImGui::GetFontSize() * 3.0f;
  const bool compact = full > ImGui::GetContentRegionAvail().x * 0.8f;
  // Compact: the other tabs are numbers; the active title is elided to what is left (the feed status goes first).
  const ImGuiStyle& st = ImGui::GetStyle();
  float numbers = 0.0f;
  for (std::size_t i = 0; i < scenes_.size(); ++i) {
    if (i != current_) numbers += ImGui::CalcTextSize("0").x + st.FramePadding.x * 2 + st.ItemSpacing.x;
  }
  ImGui::PushFont(fonts_.bold);
  const float title_room = ImGui::GetContentRegionAvail().x - numbers - st.FramePadding.x * 2 - st.ItemSpacing.x -
                           ImGui::CalcTextSize("0  ").x - ImGui::CalcTextSize("■ replay").x;
  const std::string active_title = fit_text(scenes_[current_]->title(), title_room);
  ImGui::PopFont();
  for (std::size_t i = 0; i < scenes_.size(); ++i) {
    char label[96];
    if (compact && i != current_) std::snprintf(label, sizeof label, "%zu", i + 1);
    else if (compact) std::snprintf(label, sizeof label, "%zu  %s", i + 1, active_title.c_str());
    else std::snprintf(label, sizeof label, "%zu  %s", i + 1, scenes_[i]->title());
    const bool active = i == current_;
    if (active) {
      ImGui::PushStyleColor(ImGuiCol_Button, th.accent);
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, th.accent);
      ImGui::PushStyleColor(ImGuiCol_Text, th.on_kind);
      ImGui::PushFont(fonts_.bold);
    }
    if (ImGui::Button(label)) current_ = i;
    if (active) {
      ImGui::PopFont();
      ImGui::PopStyleColor(3);
    }
    ImGui::SameLine();
  }
  // Right: feed health at a glance.
  std::string status;
  ImVec4 colour = th.text_dim;
  if (feed_) {
    status = feed_->source();
    colour = feed_->ok() ? th.ok : th.warn;
  } else {
    status = "snapshot";
  }
  status = (feed_ && feed_->live() ? "● " : "■ ") + status;
  const float room = ImGui::GetWindowContentRegionMax().x - ImGui::GetCursorPosX();
  status = fit_text(status, room);
  const float w = ImGui::CalcTextSize(status.c_str()).x;
  if (w > room) {   // not even "■ …" fits: the tabs matter more
    ImGui::End();
    ImGui::PopStyleColor();
    return;
  }
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - w));
  ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextUnformatted(status.c_str());
  ImGui::PopStyleColor();
  ImGui::End();
  ImGui::PopStyleColor();
}

namespace {
// Width of a button with this label at the current font and style.
float button_w(const char* label) { return ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2.0f; }
// Room left on the current line, keeping `reserve` px for what must come after.
float room_after(float reserve) { return ImGui::GetContentRegionAvail().x - reserve; }
}  // namespace

// At a large display scale the bar keeps its most useful items and drops the
// rest, in this order of need: step and play, follow latest, the pending
// badge, the seek slider (narrower first), the speed.
void Shell::draw_playback_controls() {
  const Theme& th = current_theme();
  const ImGuiStyle& st = ImGui::GetStyle();
  const bool paused = feed_->paused();
  if (ImGui::Button("◀")) commands_.push_back(Playback{PlaybackOp::step_back});
  ImGui::SameLine();
  if (ImGui::Button(paused ? "▶ play" : "‖ pause")) commands_.push_back(Playback{PlaybackOp::toggle});
  ImGui::SameLine();
  if (ImGui::Button("▶|")) commands_.push_back(Playback{PlaybackOp::step_forward});
  ImGui::SameLine();
  const bool following = !paused && !selection_.seq;
  const char* follow_label = following ? "following latest" : "follow latest (L)";
  const float follow_w = button_w(follow_label) + st.ItemSpacing.x;
  if (replay_) {
    char speed[32];
    std::snprintf(speed, sizeof speed, "%gx", replay_->speed());
    const float speed_w = button_w("−") + ImGui::CalcTextSize(speed).x + button_w("+") + st.ItemSpacing.x * 3;
    const float min_slider = fonts_.px(120.0f);
    if (room_after(follow_w + min_slider + st.ItemSpacing.x) >= speed_w) {
      if (ImGui::Button("−")) commands_.push_back(Playback{PlaybackOp::set_speed, replay_->speed() / 2});
      ImGui::SameLine();
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(speed);
      ImGui::SameLine();
      if (ImGui::Button("+")) commands_.push_back(Playback{PlaybackOp::set_speed, replay_->speed() * 2});
      ImGui::SameLine();
    }
    const float slider_w = std::min(fonts_.px(300.0f), room_after(follow_w + st.ItemSpacing.x));
    if (slider_w >= min_slider) {
      int pos = static_cast<int>(replay_->position());
      ImGui::SetNextItemWidth(slider_w);
      if (ImGui::SliderInt("##seek", &pos, 0, static_cast<int>(replay_->total()), "%d"))
        commands_.push_back(Playback{PlaybackOp::seek_index, static_cast<double>(pos)});
      ImGui::SameLine();
    }
  }
  const std::size_t waiting = feed_->waiting();
  if (paused && waiting > 0) {
    char text[48];
    std::snprintf(text, sizeof text, live_ ? "%s new" : "%s to go", with_commas(waiting).c_str());
    if (room_after(follow_w) >= button_w(text) + st.ItemSpacing.x) {
      badge(text, th.accent, th.on_kind);
      ImGui::SameLine();
    }
  }
  if (room_after(0.0f) >= follow_w - st.ItemSpacing.x) {
    if (ImGui::Button(follow_label)) commands_.push_back(Playback{PlaybackOp::follow_latest});
  }
}

namespace {
// True when text fits in what is left of the current line.
bool fits(const char* text) { return ImGui::GetContentRegionAvail().x >= ImGui::CalcTextSize(text).x; }
}  // namespace

void Shell::draw_status_bar(float y, float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Theme& th = current_theme();
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, y));
  ImGui::SetNextWindowSize(ImVec2(vp->Size.x, height));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, th.panel);
  ImGui::Begin("##status", nullptr, kBarFlags);
  if (feed_) {
    draw_playback_controls();
    ImGui::SameLine(0, fonts_.px(24.0f));
    const std::string state = feed_->state();
    if (fits(state.c_str())) {   // at a large display scale the bar keeps what fits, never a cut word
      ImGui::AlignTextToFramePadding();
      ImGui::PushStyleColor(ImGuiCol_Text, feed_->ok() ? th.text : th.warn);
      ImGui::TextUnformatted(state.c_str());
      ImGui::PopStyleColor();
      ImGui::SameLine(0, fonts_.px(24.0f));
    }
  }
  if (follow_typing_ || follower_.active()) {
    // "Find my frame": who is followed, or the digits typed so far (when it fits: never a cut word).
    char text[96];
    if (follow_typing_) {
      std::snprintf(text, sizeof text, "follow Stranger %s%.*s", follow_typed_.c_str(),
                    static_cast<int>(4 - follow_typed_.size()), "____");
    } else {
      std::snprintf(text, sizeof text, "following %s (G stops)", follower_.stranger().c_str());
    }
    if (fits(text)) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextColored(th.accent, "%s", text);
      ImGui::SameLine(0, fonts_.px(24.0f));
    }
  }
  const std::string events = with_commas(model_.size()) + " events";
  const std::uint64_t lost = model_.dropped() + (feed_ ? feed_->lost() : 0);
  const std::string evicted = "· " + with_commas(model_.evicted()) + " oldest evicted";
  const std::string dropped = "· dropped " + with_commas(lost);
  ImGui::AlignTextToFramePadding();
  if (fits(events.c_str())) ImGui::TextUnformatted(events.c_str());
  if (model_.evicted() > 0) {
    ImGui::SameLine();
    if (fits(evicted.c_str())) ImGui::TextColored(th.text_dim, "%s", evicted.c_str());
  }
  ImGui::SameLine();
  if (fits(dropped.c_str())) ImGui::TextColored(lost ? th.warn : th.text_dim, "%s", dropped.c_str());
  // Export from the UI (also keys S and E); the path shows in a toast.
  const float buttons_w = ImGui::CalcTextSize("save (S)pcapng (E)H help").x + ImGui::GetStyle().FramePadding.x * 4 +
                          ImGui::GetStyle().ItemSpacing.x * 3;
  const float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;   // end of the last item on this line
  if (ImGui::GetWindowContentRegionMax().x - used > buttons_w + fonts_.px(40)) {
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - buttons_w);
    if (ImGui::Button("save (S)")) save_capture();
    ImGui::SameLine();
    if (ImGui::Button("pcapng (E)")) export_pcapng();
  }
  const char* hint = "H help";
  ImGui::SameLine();
  const float hint_x = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(hint).x;
  if (hint_x > ImGui::GetCursorPosX()) {
    ImGui::SameLine(hint_x);
    ImGui::TextColored(th.text_dim, "%s", hint);
  }
  ImGui::End();
  ImGui::PopStyleColor();
}

void Shell::draw_help_overlay() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Theme& th = current_theme();
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f), 0, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(1.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fonts_.px(32), fonts_.px(24)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, fonts_.px(3));
  ImGui::PushStyleColor(ImGuiCol_Border, th.accent);
  ImGui::Begin("##help", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(fonts_.title);
  ImGui::TextUnformatted("Presenter keys");
  ImGui::PopFont();
  static const char* keys[][2] = {
      {"→  Space  PgDn  N", "next event (pauses: step mode)"},
      {"←  PgUp  P  Backspace", "previous event"},
      {"Enter", "play / pause"},
      {"L  End", "follow latest (leave step mode)"},
      {"G  then 4cba", "follow one stranger: only their frames (G again stops)"},
      {"1 – 6", "scenes"},
      {"B  .", "blackout"},
      {"F", "fullscreen"},
      {"+  −", "display scale (fonts rebuilt)"},
      {"T", "theme: dark → light → high contrast"},
      {"[  ]", "replay speed ½× / 2×"},
      {"S  E", "save capture · export pcapng"},
      {"H  ?  Esc", "this help"},
  };
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_SizingFixedFit)) {
    for (const auto& k : keys) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushFont(fonts_.bold);
      ImGui::TextColored(th.accent, "%s", k[0]);
      ImGui::PopFont();
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(k[1]);
    }
    ImGui::EndTable();
  }
  ImGui::TextColored(th.text_dim, "theme %s · scale %gx", theme_id_name(theme_id_), static_cast<double>(scale_));
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(2);
}

void Shell::draw_blackout() {
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  dl->AddRectFilled(vp->Pos, ImVec2(vp->Pos.x + vp->Size.x, vp->Pos.y + vp->Size.y), IM_COL32_BLACK);
}

void Shell::draw_no_relay_offer() {
  if (!live_ || !model_.empty() || live_->unconnected_for() < 1.0) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Theme& th = current_theme();
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.45f), 0, ImVec2(0.5f, 0.5f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fonts_.px(32), fonts_.px(24)));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, th.panel_alt);
  ImGui::Begin("##norelay", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(fonts_.heading);
  ImGui::Text("No relay at %s", options_.connect_url.c_str());
  ImGui::PopFont();
  ImGui::TextColored(th.text_dim, "%s. Still trying; start one with:", live_->state().c_str());
  ImGui::PushFont(fonts_.mono);
  ImGui::TextColored(th.accent, "  wirelab-relay --demo");
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, fonts_.px(8)));
  if (bundled_.empty()) {
    ImGui::TextColored(th.warn, "No bundled captures found (fixtures/captures/*.jsonl).");
  } else {
    ImGui::TextUnformatted("Or replay a bundled capture:");
    for (const auto& path : bundled_) {
      const std::string label = "▶  " + file_name(path);
      if (ImGui::Button(label.c_str())) {
        std::string error;
        if (!start_replay(path, error)) toast(error, true);
        break;
      }
    }
  }
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
}

void Shell::toast(std::string message, bool error) {
  toast_ = std::move(message);
  toast_error_ = error;
  toast_until_ = time_ + 6.0;
}

void Shell::draw_toast() {
  if (toast_.empty() || time_ > toast_until_) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Theme& th = current_theme();
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y - fonts_.px(90)), 0, ImVec2(0.5f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, toast_error_ ? th.bad : th.accent);
  ImGui::PushStyleColor(ImGuiCol_Text, th.on_kind);
  ImGui::Begin("##toast", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoInputs);
  ImGui::PushFont(fonts_.bold);
  ImGui::TextUnformatted(toast_.c_str());
  ImGui::PopFont();
  ImGui::End();
  ImGui::PopStyleColor(2);
}

}  // namespace viz
