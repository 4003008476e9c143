# Verdict engine: labels_check() against a 100,000-product mirror.
add_executable(bench_verdict ${CMAKE_CURRENT_SOURCE_DIR}/bench_verdict.c)
target_link_libraries(bench_verdict PRIVATE labels)
