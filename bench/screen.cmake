# The kiosk screen: render time per frame against same-run baselines.
add_executable(bench_screen bench_screen.c
  ${PROJECT_SOURCE_DIR}/tests/test_screen_samples.c)
target_include_directories(bench_screen PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(bench_screen PRIVATE kiosk_screen)
