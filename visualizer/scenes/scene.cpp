// The Scene base (owns the window) and the one scene list.
#include "scenes/scene.h"

#include <algorithm>

#include "imgui_internal.h"   // GImGui->LogBuffer: ImGui 1.86 offers no public read of the log buffer

namespace viz {

void Scene::show(SceneContext& ctx, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  // No background: the frame starts with glClear to the theme's background,
  // which is this window's colour. Filling it again cost llvmpipe (no GPU) a
  // whole screen of blended fragments, about 5 ms per frame at 1920x1080.
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  if (ImGui::Begin(id(), nullptr, flags)) {
    if (ctx.drawn_text) {
      // ImGui's own log capture records every piece of text it renders while logging is on:
      // an independent account of what the scene put on screen (--expect-text).
      ImGui::LogToBuffer();
      draw(ctx);
      *ctx.drawn_text = GImGui->LogBuffer.c_str();
      ImGui::LogFinish();
    } else {
      draw(ctx);
    }
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

namespace {
std::vector<SceneEntry>& scene_list() {
  static std::vector<SceneEntry> list;   // function-local: safe from static-initialisation order
  return list;
}
}  // namespace

bool register_scene(int key, SceneFactory make) {
  auto& list = scene_list();
  list.push_back(SceneEntry{key, make});
  std::sort(list.begin(), list.end(), [](const SceneEntry& a, const SceneEntry& b) { return a.key < b.key; });
  return true;
}

const std::vector<SceneEntry>& registered_scenes() { return scene_list(); }

}  // namespace viz
