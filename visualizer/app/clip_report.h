// --report-clipped: after a headless frame, which windows lost content off
// an edge. A projector is where a cut widget hurts most ("finished (1"), and a
// picture test cannot see it: this reads ImGui's own layout instead.
#pragma once

#include <string>
#include <vector>

namespace viz {

struct Clipped {
  std::string window;    // ImGui's window name, e.g. "##status" or "conversation/event_list_1234"
  char axis = 'x';       // 'x': cut at the right edge, 'y': cut at the bottom
  float content = 0.0f;  // px the window's items need
  float visible = 0.0f;  // px it shows
};

// The windows of the last frame (call after ImGui::Render) whose items reach
// past their visible rect, or whose rect reaches past the viewport. A
// scrolling table (the event list) or a child labelled "name##list" (the
// lanes) is a list and does not count; any other
// window does, a child panel with a scrollbar too (the room cannot scroll a projector). Text elided with "…"
// inside its column never reaches past it, so it does not count either.
std::vector<Clipped> find_clipped();

// One JSON array: [{"window":"##status","axis":"x","content":2010,"visible":1888}]
std::string clipped_json(const std::vector<Clipped>& list);

}  // namespace viz
