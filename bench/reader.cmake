# QR reader benchmark: camera-like frames, ZBar plain vs the labels reader
# vs zxing-cpp. C++ and zxing-cpp are for this benchmark only, never for
# the product; without them (a demo machine) only the frame generator is
# built.
add_library(frames_gen STATIC ${CMAKE_CURRENT_SOURCE_DIR}/frames_gen.c)
target_include_directories(frames_gen PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(frames_gen PUBLIC labels PkgConfig::JPEG m)

add_executable(frames_gen_tool ${CMAKE_CURRENT_SOURCE_DIR}/frames_gen_main.c)
set_target_properties(frames_gen_tool PROPERTIES OUTPUT_NAME frames_gen)
target_link_libraries(frames_gen_tool PRIVATE frames_gen)

include(CheckLanguage)
check_language(CXX)
pkg_check_modules(ZXING IMPORTED_TARGET zxing)
if(CMAKE_CXX_COMPILER AND ZXING_FOUND)
  enable_language(CXX)
  add_executable(bench_reader ${CMAKE_CURRENT_SOURCE_DIR}/bench_reader.c
    ${CMAKE_CURRENT_SOURCE_DIR}/reader_zxing.cpp)
  set_target_properties(bench_reader PROPERTIES CXX_STANDARD 17)
  target_link_libraries(bench_reader PRIVATE frames_gen PkgConfig::ZXING)
  # Every category docs/performance.md names runs, empty alone included
  # (issue 11, 3.11: `--only empty` was a usage error).
  add_test(NAME bench_reader_only
    COMMAND sh -c "for c in empty tilt; do $<TARGET_FILE:bench_reader> --only $c --per-level 1 --live-frames 1 >/dev/null || exit 1; done")
  set_tests_properties(bench_reader_only PROPERTIES TIMEOUT 300)
else()
  message(STATUS "bench_reader not built: needs a C++ compiler and libzxing-dev")
endif()
