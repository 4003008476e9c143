# Label printing throughput and memory (docs/performance.md, "Label
# printing"): the host's print module, as the demo generator links it.
add_executable(bench_print bench_print.c)
target_link_libraries(bench_print PRIVATE host_print labels
  PkgConfig::QRENCODE)
