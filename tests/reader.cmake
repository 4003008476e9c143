# The camera QR reader: generated camera-like frames (bench/frames_gen.c).
ocop_test(test_reader ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
target_include_directories(test_reader PRIVATE ${PROJECT_SOURCE_DIR}/bench)
target_link_libraries(test_reader PRIVATE PkgConfig::JPEG m)
# A reader test that reads the benchmark's frames (test_reader_frames.c,
# bench/frames_gen.c at the benchmark's seeds).
function(reader_frames_test name)
  ocop_test(${name} test_reader_frames.c ${PROJECT_SOURCE_DIR}/bench/frames_gen.c)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/bench)
  target_link_libraries(${name} PRIVATE PkgConfig::JPEG m)
endfunction()
# The outline fit and the issue 15 frames it made readable.
reader_frames_test(test_reader_fit)
# Wiener deconvolution and the blurred frames it made readable.
reader_frames_test(test_reader_deblur)
# The mesh that flattens crumpled codes and the frames it made readable.
reader_frames_test(test_reader_mesh)
