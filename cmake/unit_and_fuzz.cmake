# The targets the second compiler links and runs (the `clang` preset's tests: label unit or fuzz).
# scripts/test builds only these with clang, then compiles every other translation unit of the tree with
# `clang++ -fsyntax-only` (scripts/syntax-check): the same warnings as errors, without clang's code
# generation and links for programs that only the gcc build runs.
function(wirelab_unit_and_fuzz target)
  set_property(GLOBAL APPEND PROPERTY WIRELAB_UNIT_AND_FUZZ ${target})
endfunction()

# Called once, after every folder is added: `cmake --build --preset clang --target unit_and_fuzz`.
function(wirelab_add_unit_and_fuzz_target)
  get_property(targets GLOBAL PROPERTY WIRELAB_UNIT_AND_FUZZ)
  add_custom_target(unit_and_fuzz)
  if(targets)
    add_dependencies(unit_and_fuzz ${targets})
  endif()
endfunction()
