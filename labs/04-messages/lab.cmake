# Lab 4's extra target (included by labs/CMakeLists.txt): the reference echo server as a program,
# built from the solutions of labs 1-4 and the starter's main.cpp, so tests/labs can check that python
# `websockets` talks to it (labs.04.python_interop).
add_executable(wirelab_lab04_echo ${lab_dir}/starter/main.cpp
  $<TARGET_OBJECTS:wirelab_lab01_solution> $<TARGET_OBJECTS:wirelab_lab02_solution>
  $<TARGET_OBJECTS:wirelab_lab03_solution> $<TARGET_OBJECTS:wirelab_lab04_solution>)
target_include_directories(wirelab_lab04_echo PRIVATE ${lab_dir}/include ${dep_includes})
target_link_libraries(wirelab_lab04_echo PRIVATE OpenSSL::Crypto Threads::Threads)
wirelab_target(wirelab_lab04_echo)
