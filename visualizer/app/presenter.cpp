// Presenter keys (issue 4 §4), read from GLFW key codes through ImGui 1.86's
// legacy key array (docs/platform.md: IsKeyPressed(ImGuiKey_*) is wrong in 1.86).
// Ignored while a text field has focus, so typing a search never flips scenes.
#include <GLFW/glfw3.h>

#include <cctype>

#include "app/shell.h"
#include "feeds/replay.h"

namespace viz {
namespace {
bool pressed(int key) { return ImGui::IsKeyPressed(key, true); }
bool typed(ImWchar c) {
  const ImGuiIO& io = ImGui::GetIO();
  for (int i = 0; i < io.InputQueueCharacters.Size; ++i) {
    if (io.InputQueueCharacters[i] == c) return true;
  }
  return false;
}
}  // namespace

// "Find my frame": G, then the 4 hex digits of "Stranger 4cba" (the browser
// shows them); G again stops following, Esc stops typing. While typing, the
// digits and letters are not presenter keys.
bool Shell::handle_follow_keys() {
  if (!follow_typing_) {
    if (!pressed(GLFW_KEY_G)) return false;
    if (follower_.active()) commands_.push_back(FollowStranger{});
    else follow_typing_ = true;
    follow_typed_.clear();
    return true;
  }
  if (pressed(GLFW_KEY_ESCAPE)) {
    follow_typing_ = false;
    return true;
  }
  if (pressed(GLFW_KEY_BACKSPACE) && !follow_typed_.empty()) follow_typed_.pop_back();
  const ImGuiIO& io = ImGui::GetIO();
  for (int i = 0; i < io.InputQueueCharacters.Size && follow_typed_.size() < 4; ++i) {
    const ImWchar c = io.InputQueueCharacters[i];
    if (c < 128 && std::isxdigit(static_cast<int>(c))) follow_typed_ += static_cast<char>(std::tolower(static_cast<int>(c)));
  }
  if (follow_typed_.size() == 4) {
    follow_typing_ = false;
    commands_.push_back(FollowStranger::of(*stranger_label(follow_typed_)));
  }
  return true;
}

void Shell::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  if (io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  if (handle_follow_keys()) return;
  if (blackout_) {   // any of the blackout keys, or Escape, brings the screen back
    if (pressed(GLFW_KEY_B) || pressed(GLFW_KEY_PERIOD) || pressed(GLFW_KEY_ESCAPE)) blackout_ = false;
    return;
  }
  if (pressed(GLFW_KEY_RIGHT) || pressed(GLFW_KEY_SPACE) || pressed(GLFW_KEY_PAGE_DOWN) || pressed(GLFW_KEY_N))
    commands_.push_back(Playback{PlaybackOp::step_forward});
  if (pressed(GLFW_KEY_LEFT) || pressed(GLFW_KEY_PAGE_UP) || pressed(GLFW_KEY_P) || pressed(GLFW_KEY_BACKSPACE))
    commands_.push_back(Playback{PlaybackOp::step_back});
  if (pressed(GLFW_KEY_ENTER) || pressed(GLFW_KEY_KP_ENTER)) commands_.push_back(Playback{PlaybackOp::toggle});
  if (pressed(GLFW_KEY_L) || pressed(GLFW_KEY_END)) commands_.push_back(Playback{PlaybackOp::follow_latest});
  if (pressed(GLFW_KEY_HOME) && replay_) commands_.push_back(Playback{PlaybackOp::seek_index, 0.0});
  if (pressed(GLFW_KEY_B) || pressed(GLFW_KEY_PERIOD)) blackout_ = true;
  if (pressed(GLFW_KEY_F)) window_.toggle_fullscreen();
  for (int k = 0; k < 6; ++k) {
    if (pressed(GLFW_KEY_1 + k) || pressed(GLFW_KEY_KP_1 + k)) current_ = static_cast<std::size_t>(k);
  }
  if (typed('?') || (pressed(GLFW_KEY_H))) help_ = !help_;
  if (pressed(GLFW_KEY_ESCAPE)) help_ = false;
  if (typed('+') || pressed(GLFW_KEY_KP_ADD)) set_scale(scale_ + 0.25f);
  if (typed('-') || pressed(GLFW_KEY_KP_SUBTRACT)) set_scale(scale_ - 0.25f);
  if (pressed(GLFW_KEY_T)) {
    theme_id_ = theme_id_ == ThemeId::dark ? ThemeId::light : theme_id_ == ThemeId::light ? ThemeId::high_contrast : ThemeId::dark;
    current_theme().apply(ImGui::GetStyle());
  }
  if (replay_ && pressed(GLFW_KEY_LEFT_BRACKET)) commands_.push_back(Playback{PlaybackOp::set_speed, replay_->speed() / 2});
  if (replay_ && pressed(GLFW_KEY_RIGHT_BRACKET)) commands_.push_back(Playback{PlaybackOp::set_speed, replay_->speed() * 2});
  if (pressed(GLFW_KEY_S)) save_capture();
  if (pressed(GLFW_KEY_E)) export_pcapng();
}

}  // namespace viz
