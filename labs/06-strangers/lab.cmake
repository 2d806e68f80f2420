# Lab 6's extra target (included by labs/CMakeLists.txt): the reference stranger chat as a program, lab 5's
# main.cpp built with -DWIRELAB_STRANGERS on the solutions of labs 1-6, so tests/labs can open two
# Chromium pages of the browser client against it (labs.06.browser).
add_executable(wirelab_lab06_strangers ${lab_dir}/../05-chat-room/starter/main.cpp
  $<TARGET_OBJECTS:wirelab_lab01_solution> $<TARGET_OBJECTS:wirelab_lab02_solution>
  $<TARGET_OBJECTS:wirelab_lab03_solution> $<TARGET_OBJECTS:wirelab_lab04_solution>
  $<TARGET_OBJECTS:wirelab_lab05_solution> $<TARGET_OBJECTS:wirelab_lab06_solution>)
target_include_directories(wirelab_lab06_strangers PRIVATE ${lab_dir}/include ${dep_includes})
target_compile_definitions(wirelab_lab06_strangers PRIVATE WIRELAB_STRANGERS)
target_link_libraries(wirelab_lab06_strangers PRIVATE OpenSSL::Crypto Threads::Threads)
wirelab_target(wirelab_lab06_strangers)
