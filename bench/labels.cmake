# Label format: sign+encode and parse+verify rates next to bare libqrencode.
# Run: build/release/bench/bench_labels [seconds per measurement]
add_executable(bench_labels bench_labels.c)
target_link_libraries(bench_labels PRIVATE labels PkgConfig::QRENCODE)
