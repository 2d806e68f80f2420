# Project-wide warning and sanitizer flags, applied per target with wirelab_target().
add_library(wirelab_options INTERFACE)
target_compile_options(wirelab_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(WIRELAB_WERROR)
  target_compile_options(wirelab_options INTERFACE -Werror)
endif()
# A unity build (the asan preset: one compiler run per batch of a target's files, CI's build time halved)
# includes .cpp files into one: GCC then sees a type of a file's anonymous namespace used in a class as if
# in a header and warns (-Wsubobject-linkage). Each file on its own is still compiled by the clang preset.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(wirelab_options INTERFACE -Wno-subobject-linkage)
endif()
if(WIRELAB_SANITIZE)
  target_compile_options(wirelab_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(wirelab_options INTERFACE -fsanitize=address,undefined)
endif()

# wirelab_target(T): our own code gets our warnings; third-party headers are included as SYSTEM by their targets.
function(wirelab_target target)
  target_link_libraries(${target} PRIVATE wirelab_options)
endfunction()
# Not -Wnull-dereference: it only fires in optimised builds, and there GCC 12
# reports false positives inside libstdc++ as inlined into CLI11 and fmt.
