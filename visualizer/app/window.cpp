// GLFW + OpenGL 3.3 core + ImGui backends (docs/platform.md, "Dear ImGui 1.86, GLFW 3.3 and OpenGL under Xvfb").
#include "app/window.h"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

namespace viz {
namespace {
void on_glfw_error(int code, const char* text) { std::fprintf(stderr, "glfw error %d: %s\n", code, text); }
}  // namespace

Window::Window(int width, int height, bool visible, bool fullscreen, const char* title) {
  glfwSetErrorCallback(&on_glfw_error);
  if (!glfwInit()) {
    error_ = "glfwInit failed (no display? run under xvfb-run, or set DISPLAY)";
    return;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_FALSE);
  window_ = glfwCreateWindow(width, height, title, nullptr, nullptr);
  if (!window_) {
    error_ = "could not create a 3.3 core OpenGL window";
    glfwTerminate();
    return;
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(visible ? 1 : 0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;   // deterministic: no saved layout
  io.LogFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  if (fullscreen) toggle_fullscreen();
}

Window::~Window() {
  if (!window_) return;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

bool Window::should_close() const { return glfwWindowShouldClose(window_) != 0; }
void Window::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

void Window::toggle_fullscreen() {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (!monitor) return;
  if (!fullscreen_) {
    glfwGetWindowPos(window_, &windowed_x_, &windowed_y_);
    glfwGetWindowSize(window_, &windowed_w_, &windowed_h_);
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(window_, nullptr, windowed_x_, windowed_y_, windowed_w_, windowed_h_, 0);
  }
  fullscreen_ = !fullscreen_;
}

void Window::reload_font_texture() {
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

bool Window::save_png(const std::string& path, std::string& error) const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's rows run bottom-up, PNG's top-down: flip.
  const std::size_t stride = static_cast<std::size_t>(w) * 3;
  std::vector<unsigned char> row(stride);
  for (std::size_t top = 0, bottom = static_cast<std::size_t>(h) - 1; top < bottom; ++top, --bottom) {
    std::copy_n(pixels.data() + top * stride, stride, row.data());
    std::copy_n(pixels.data() + bottom * stride, stride, pixels.data() + top * stride);
    std::copy_n(row.data(), stride, pixels.data() + bottom * stride);
  }
  if (!stbi_write_png(path.c_str(), w, h, 3, pixels.data(), static_cast<int>(stride))) {
    error = "could not write " + path;
    return false;
  }
  return true;
}

}  // namespace viz
