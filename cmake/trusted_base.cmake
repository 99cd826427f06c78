# Prints the trusted base as the build defines it: the sources of the
# robustlaw_check library and of the robustlaw-check front end, with their line
# counts. Fails when a trusted file includes a project header outside those
# lists (a header of the searches would bypass the link-time boundary), and
# when search code in lib/ includes a checker header other than
# cert/producer_api.hpp.
#
# Run: cmake --build build --target trusted_base
# (CMakeLists.txt passes SOURCE_DIR, LIBRARY_SOURCES and FRONT_END_SOURCES,
# the lists separated by "|".)

cmake_minimum_required(VERSION 3.20)

function(absolute_paths out list_text)
  string(REPLACE "|" ";" items "${list_text}")
  set(result)
  foreach(item IN LISTS items)
    get_filename_component(path "${item}" ABSOLUTE BASE_DIR "${SOURCE_DIR}")
    # Generated files (the precompiled-header stubs in the build folder) are not sources.
    if(path MATCHES "^${SOURCE_DIR}/")
      list(APPEND result "${path}")
    endif()
  endforeach()
  list(SORT result)
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(line_count out path)
  file(READ "${path}" text)
  string(REGEX MATCHALL "\n" newlines "${text}")
  list(LENGTH newlines count)
  set(${out} ${count} PARENT_SCOPE)
endfunction()

# Every `#include "x"` of `path` that names a file of lib/ or checkers/ must be
# one of `allowed`.
function(check_includes path allowed)
  file(STRINGS "${path}" includes REGEX "^#include \"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" name "${line}")
    foreach(root lib checkers)
      set(candidate "${SOURCE_DIR}/${root}/${name}")
      if(EXISTS "${candidate}" AND NOT candidate IN_LIST allowed)
        file(RELATIVE_PATH shown "${SOURCE_DIR}" "${path}")
        # Printed unwrapped (FATAL_ERROR reflows its text), then the failure.
        message("trusted_base: ${shown} includes ${root}/${name}, which is not a source of the trusted targets")
        message(FATAL_ERROR "the trusted base includes search code")
      endif()
    endforeach()
  endforeach()
endfunction()

# The searches (every other file of lib/) reach the checker only through
# lib/cert/producer_api.hpp.
function(check_producer_door library)
  file(GLOB_RECURSE lib_files "${SOURCE_DIR}/lib/*.cpp" "${SOURCE_DIR}/lib/*.hpp")
  foreach(path IN LISTS lib_files)
    if(path IN_LIST library)
      continue()
    endif()
    file(STRINGS "${path}" includes REGEX "^#include \"cert/")
    foreach(line IN LISTS includes)
      if(NOT line MATCHES "^#include \"cert/producer_api.hpp\"")
        file(RELATIVE_PATH shown "${SOURCE_DIR}" "${path}")
        message("trusted_base: ${shown} (search code) has ${line}; the searches reach the checker only through cert/producer_api.hpp")
        message(FATAL_ERROR "search code includes a checker header")
      endif()
    endforeach()
  endforeach()
endfunction()

function(print_part title out_total sources allowed)
  message("${title}")
  set(total 0)
  foreach(path IN LISTS sources)
    check_includes("${path}" "${allowed}")
    line_count(lines "${path}")
    math(EXPR total "${total} + ${lines}")
    file(RELATIVE_PATH shown "${SOURCE_DIR}" "${path}")
    string(LENGTH "${lines}" width)
    math(EXPR pad "6 - ${width}")
    string(REPEAT " " ${pad} padding)
    message("${padding}${lines}  ${shown}")
  endforeach()
  list(LENGTH sources files)
  message("${total} lines in ${files} files\n")
  set(${out_total} ${total} PARENT_SCOPE)
endfunction()

absolute_paths(library "${LIBRARY_SOURCES}")
absolute_paths(front_end "${FRONT_END_SOURCES}")
set(both ${library} ${front_end})
print_part("robustlaw_check (the trusted checker library):" library_total "${library}" "${library}")
print_part("robustlaw-check front end (the `check` command; it links only robustlaw_check):" front_total "${front_end}" "${both}")
check_producer_door("${library}")
math(EXPR all "${library_total} + ${front_total}")
message("trusted base: ${all} lines (${library_total} library + ${front_total} front end)")
