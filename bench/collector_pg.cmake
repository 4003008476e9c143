# The collector's engines below HTTP, SQLite against PostgreSQL, on an
# empty store and after a bulk preload (bench/collector_pg.sh).
if(TARGET collector_pg)
  if(EXISTS ${PROJECT_SOURCE_DIR}/host/collector/collector.c)
    set(PG_COLLECTOR_DIR ${PROJECT_SOURCE_DIR}/host/collector)
  else()
    set(PG_COLLECTOR_DIR ${PROJECT_SOURCE_DIR}/host)
  endif()
  add_executable(bench_store bench_store.c ${PG_COLLECTOR_DIR}/collector.c)
  target_link_libraries(bench_store PRIVATE collector_pg kiosk)
  add_custom_target(bench-collector-pg
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/collector_pg.sh ${PROJECT_BINARY_DIR}
    DEPENDS bench_store USES_TERMINAL)
endif()
