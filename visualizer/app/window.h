// The GLFW window, its OpenGL 3.3 core context and ImGui's GLFW + OpenGL3
// backends, owned together (RAII): created in main's setup phase, destroyed
// in reverse order. Also reads the back buffer into a PNG for --screenshot.
#pragma once

#include <string>

struct GLFWwindow;

namespace viz {

class Window {
 public:
  // visible=false for headless screenshots (same pixels, no window on screen).
  Window(int width, int height, bool visible, bool fullscreen, const char* title);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool ok() const { return window_ != nullptr; }
  const std::string& error() const { return error_; }
  GLFWwindow* handle() const { return window_; }
  bool should_close() const;
  void request_close();
  void toggle_fullscreen();
  bool fullscreen() const { return fullscreen_; }

  // Re-uploads ImGui's font atlas texture after a rebuild (between frames only).
  static void reload_font_texture();
  // Reads the current back buffer (call after rendering, before swap) and writes a PNG.
  bool save_png(const std::string& path, std::string& error) const;

 private:
  GLFWwindow* window_ = nullptr;
  std::string error_;
  bool fullscreen_ = false;
  int windowed_x_ = 100, windowed_y_ = 100, windowed_w_ = 1280, windowed_h_ = 720;
};

}  // namespace viz
