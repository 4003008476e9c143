# Label printing throughput and memory (docs/performance.md, "Label
# printing"): builds the host's print code straight into the benchmark.
file(GLOB OCOP_PRINT_SOURCES ${PROJECT_SOURCE_DIR}/host/print*.c)
add_executable(bench_print bench_print.c ${OCOP_PRINT_SOURCES})
target_include_directories(bench_print PRIVATE ${PROJECT_SOURCE_DIR}/host)
target_link_libraries(bench_print PRIVATE labels PkgConfig::CAIRO
  PkgConfig::PANGOCAIRO PkgConfig::QRENCODE)
