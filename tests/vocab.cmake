# The one vocabulary (labels/labels_vocab.h): every verdict, group, kind,
# field label and language through every function, ISO times, JSON lines.
ocop_test(test_vocab)

# The tables in docs/verdicts.md, docs/mirror.md and docs/inspectors.md
# are generated from
# labels/; this test fails when they differ. After changing a wording, run
# scripts/vocab-docs.sh (BUILD/tests/vocab_docs --write docs/verdicts.md
# docs/mirror.md docs/inspectors.md, from the source tree).
add_executable(vocab_docs vocab_docs.c)
target_link_libraries(vocab_docs PRIVATE labels)
add_test(NAME vocab_docs
  COMMAND vocab_docs ${PROJECT_SOURCE_DIR}/docs/verdicts.md
          ${PROJECT_SOURCE_DIR}/docs/mirror.md
          ${PROJECT_SOURCE_DIR}/docs/inspectors.md)

# Every verdict through the reports' columns (the screen, the phone page,
# the JSON facts and the docs table are walked by their own tests).
ocop_test(test_vocab_renderers)
target_link_libraries(test_vocab_renderers PRIVATE host_report)

# The build paths README.md and docs/ tell a reader to run exist after the
# documented build (issue 11, 3.11).
add_test(NAME docs_paths COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/docs_paths.sh)
set_tests_properties(docs_paths PROPERTIES
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
