# The camera QR reader: generated camera-like frames (bench/frames_gen.c).
ocop_test(test_reader ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader PRIVATE PkgConfig::JPEG m)
# The outline fit and the issue 15 frames it made readable (the
# benchmark's seed).
ocop_test(test_reader_fit test_reader_frames.c
  ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader_fit PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader_fit PRIVATE PkgConfig::JPEG m)
# Wiener deconvolution and the blurred frames it made readable.
ocop_test(test_reader_deblur test_reader_frames.c
  ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader_deblur PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader_deblur PRIVATE PkgConfig::JPEG m)
# The mesh that flattens crumpled codes and the frames it made readable.
ocop_test(test_reader_mesh test_reader_frames.c
  ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader_mesh PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader_mesh PRIVATE PkgConfig::JPEG m)
