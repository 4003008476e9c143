# The camera QR reader: generated camera-like frames (bench/frames_gen.c).
ocop_test(test_reader ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader PRIVATE PkgConfig::JPEG m)
