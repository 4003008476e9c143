# Label format: unit tests, conformance vectors, key files, QR round trips,
# and (with OCOP_FUZZ) a libFuzzer run over the parsers.
ocop_test(test_label)
ocop_test(test_vectors)
ocop_test(test_keys)
ocop_test(test_provinces)
ocop_test(test_roundtrip)
# The round trip draws QR symbols with libqrencode directly (binary data)
# and checks with a stock ZBar scanner that its EAN-13 image is readable.
target_link_libraries(test_roundtrip PRIVATE PkgConfig::QRENCODE PkgConfig::ZBAR)

# Regenerates tests/vectors/ (usage: vectors_gen OUTDIR); built, not run.
add_executable(vectors_gen vectors_gen.c)
target_link_libraries(vectors_gen PRIVATE labels)

if(OCOP_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "OCOP_FUZZ needs clang (libFuzzer)")
  endif()
  # The parsers are compiled into the target itself so libFuzzer gets
  # coverage feedback from them; the rest comes from the library.
  add_executable(fuzz_parse fuzz_parse.c ${PROJECT_SOURCE_DIR}/labels/label.c
    ${PROJECT_SOURCE_DIR}/labels/base32.c ${PROJECT_SOURCE_DIR}/labels/keys.c)
  target_compile_options(fuzz_parse PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_parse PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_parse PRIVATE labels)
  # A short run over a corpus seeded from the committed vectors; a crash,
  # leak or sanitizer report fails the test.
  add_test(NAME fuzz_parse
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_run.sh
            $<TARGET_FILE:fuzz_parse> ${CMAKE_CURRENT_SOURCE_DIR}/vectors
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_parse_corpus 20 text)

  add_executable(fuzz_image fuzz_image.c ${PROJECT_SOURCE_DIR}/labels/image_read.c)
  target_compile_options(fuzz_image PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_image PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_image PRIVATE labels PkgConfig::PNG PkgConfig::JPEG)
  add_test(NAME fuzz_image
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_run.sh
            $<TARGET_FILE:fuzz_image> ${CMAKE_CURRENT_SOURCE_DIR}/vectors
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_image_corpus 10 image)
endif()

# The same vectors through the real ocop-host binary.
add_test(NAME labels_cli_vectors
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/vectors/check_cli.py
          $<TARGET_FILE:ocop-host> ${CMAKE_CURRENT_SOURCE_DIR}/vectors)

# A second parser, written in Python from docs/label-format.md alone, must
# agree with every vector: the document and the code cannot drift apart.
add_test(NAME labels_reference_parse
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/vectors/reference_parse.py
          ${CMAKE_CURRENT_SOURCE_DIR}/vectors)

# Image files as cameras and phones make them (labels/image_read.c).
ocop_test(test_image_read)
target_link_libraries(test_image_read PRIVATE PkgConfig::JPEG PkgConfig::PNG)
