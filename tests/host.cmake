# ocop-host registry, import, stats, export and demo: end-to-end tests that
# run the built binary in temporary folders (tests/host_*.sh).
foreach(t host_registry host_export host_crash host_demo)
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${t}.sh
           $<TARGET_FILE:ocop-host>)
  set_tests_properties(${t} PROPERTIES TIMEOUT 300 ENVIRONMENT
    "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()
