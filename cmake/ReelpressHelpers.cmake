# Warnings are errors for the project's own code; third-party headers are SYSTEM includes.
# -Wno-restrict: GCC 12 reports false positives for std::string concatenation at -O2 and
# above (GCC bug 105329), in code that is correct.
set(REELPRESS_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict> -Werror)

# reelpress_add_library(NAME SOURCES... DEPS ...): one static library per layer folder.
function(reelpress_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${REELPRESS_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# reelpress_add_test(NAME SOURCES... DEPS ...): a GoogleTest program registered with CTest.
function(reelpress_add_test name)
  if(NOT REELPRESS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${REELPRESS_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE REELPRESS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST)
endfunction()

# reelpress_embed_files(OUT_CC NAMESPACE ROOT FILES...): generates a .cc that holds the files'
# bytes, so the binary carries its default theme and demo content and runs from anywhere.
function(reelpress_embed_files out_cc symbol root)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${out_cc}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DSYMBOL=${symbol} -DROOT=${root} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake ${files}
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()

# Links the program `target` with jemalloc instead of glibc's malloc (cmake/Dependencies.cmake),
# unless this build has the sanitizers.
function(reelpress_use_jemalloc target)
  if(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
