# The kiosk's whole per-frame path against ZBar's plain pass (issue 5).
add_executable(bench_frame ${CMAKE_CURRENT_SOURCE_DIR}/bench_frame.c)
target_link_libraries(bench_frame PRIVATE frames_gen kiosk PkgConfig::ZBAR)
