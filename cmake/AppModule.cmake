# Helpers that give every module the same shape: one static library per folder
# under src/, with its unit tests beside the code (see docs/architecture.md).

add_library(app_warnings INTERFACE)
add_library(app::warnings ALIAS app_warnings)
target_compile_options(app_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wimplicit-fallthrough -Wold-style-cast)
if(STAGEPUNT_WERROR)
  target_compile_options(app_warnings INTERFACE -Werror)
endif()

# app_library(NAME SRCS a.cc b.cc DEPS app::x PUBLIC_DEPS app::y)
#   Creates static library app_NAME with alias app::NAME.
function(app_library NAME)
  cmake_parse_arguments(A "" "" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(app_${NAME} STATIC ${A_SRCS})
  add_library(app::${NAME} ALIAS app_${NAME})
  target_include_directories(app_${NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(app_${NAME} PUBLIC ${A_PUBLIC_DEPS} PRIVATE ${A_DEPS} app::warnings)
endfunction()

# app_test(NAME SRCS x_test.cc DEPS app::x LABELS unit)
#   One GoogleTest executable per module; tests are discovered when ctest runs.
function(app_test NAME)
  cmake_parse_arguments(A "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${NAME} ${A_SRCS})
  target_link_libraries(${NAME} PRIVATE ${A_DEPS} GTest::gmock_main app::warnings)
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  gtest_discover_tests(${NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${A_LABELS}" TIMEOUT 300)
endfunction()

# app_embed_files(OUT_VAR NAMESPACE ns FUNCTION fn FILES f1 f2 ...)
#   Generates a .cc that defines `std::vector<EmbeddedFile> ns::fn()` holding
#   the bytes of each file keyed by its path relative to BASE.
function(app_embed_files OUT_VAR)
  cmake_parse_arguments(A "" "NAMESPACE;FUNCTION;BASE" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${A_FUNCTION}_embedded.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${A_NAMESPACE} -DFUNCTION=${A_FUNCTION}
            -DBASE=${A_BASE} "-DFILES=${A_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${A_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    VERBATIM)
  set(${OUT_VAR} ${out} PARENT_SCOPE)
endfunction()
