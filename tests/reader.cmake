# The camera QR reader: generated camera-like frames (bench/frames_gen.c).
ocop_test(test_reader ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader PRIVATE PkgConfig::JPEG m)
# The outline fit and the issue 15 frames it made readable (the
# benchmark's seed).
ocop_test(test_reader_fit ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader_fit PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader_fit PRIVATE PkgConfig::JPEG m)
