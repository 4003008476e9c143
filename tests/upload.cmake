# Scan upload: the kiosk's uploader against the real ocop-host serve.
add_executable(upload_driver upload_driver.c)
find_package(Threads REQUIRED)
target_link_libraries(upload_driver PRIVATE kiosk Threads::Threads)
foreach(t upload_e2e upload_load)
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${t}.sh)
  set_tests_properties(${t} PROPERTIES TIMEOUT 180
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()
