# Phone page requests/s beside nginx serving the same size (bench/phone.sh).
find_package(Threads REQUIRED)
add_executable(bench_phone bench_phone.c)
target_link_libraries(bench_phone PRIVATE PkgConfig::CURL Threads::Threads)
add_custom_target(bench-phone
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/phone.sh ${PROJECT_BINARY_DIR}
  DEPENDS bench_phone ocop-host USES_TERMINAL)
