# Compiles SOURCE with COMPILER and passes only if compilation fails with
# output matching the regular expression on the file's first line, written
# as "// expect: REGEX". A file that compiles, or fails for another reason,
# fails the test.

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
message(STATUS "failed to compile as expected: ${expected}")
