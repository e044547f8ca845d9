# Compiles SOURCE with COMPILER and passes only if compilation fails with
# output matching the regular expression on the file's first line, written
# as "// expect: REGEX". A file that compiles, or fails for another reason,
# fails the test. The mistake must also be named within the first
# MAX_LINES_BEFORE + 1 lines of output, either by the instantiation line of a
# strata::diagnostics check or by the expected message itself.

file(STRINGS ${SOURCE} first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^// expect: (.+)$")
  message(FATAL_ERROR "${SOURCE}: the first line must be \"// expect: REGEX\"")
endif()
set(expected "${CMAKE_MATCH_1}")

execute_process(
  COMMAND ${COMPILER} -std=c++20 -fsyntax-only -I${INCLUDE_DIR} ${SOURCE}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must fail with: ${expected}")
endif()
if(NOT output MATCHES "${expected}")
  message(FATAL_ERROR "${SOURCE} failed to compile, but without the expected message\n"
                      "expected: ${expected}\ncompiler output:\n${output}")
endif()
if(DEFINED MAX_LINES_BEFORE)
  string(REPLACE ";" "," output_without_semicolons "${output}")
  string(REPLACE "\n" ";" output_lines "${output_without_semicolons}")
  math(EXPR last_allowed "${MAX_LINES_BEFORE}")
  set(named_at -1)
  set(index 0)
  foreach(line IN LISTS output_lines)
    if(line MATCHES "strata::diagnostics::[a-z_0-9]+\\(\\)" OR line MATCHES "${expected}")
      set(named_at ${index})
      break()
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  if(named_at LESS 0 OR named_at GREATER last_allowed)
    message(FATAL_ERROR "${SOURCE}: the compiler printed more than ${MAX_LINES_BEFORE} lines "
                        "before naming the mistake (named at line index ${named_at})\n"
                        "compiler output:\n${output}")
  endif()
endif()
message(STATUS "failed to compile as expected: ${expected}")
