"""What every test that runs the visualizer under Xvfb shares."""
import os


def gl_env():
    """Under ASan, the GL driver (Mesa llvmpipe, dlopened by GLFW and dlclosed at
    exit) leaves leaks that LeakSanitizer reports as "<unknown module>" and that
    no suppression can name: leak checking is off for the GL process only. Our
    model, feeds and teaching logic are leak-checked by the GL-free tests."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    return env


# Lines on the visualizer's stderr that mean the GL backend drew nothing
# (docs/platform.md: a bad shader still lets Init return true).
GL_ERRORS = ("failed to compile", "failed to link", "ERROR: ", "GL error", "glfw error")

