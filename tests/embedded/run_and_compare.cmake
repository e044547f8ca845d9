# Runs COMMAND (a command line), saves its standard output in OUTPUT, and
# passes if it exits with 0, its output matches the regular expression
# EXPECT_TEXT, and COMPARE (compare_outputs) finds its output lines equal to
# EXPECTED within TOLERANCE.

separate_arguments(command UNIX_COMMAND "${COMMAND}")
execute_process(
  COMMAND ${command}
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors
  RESULT_VARIABLE result
  TIMEOUT 300)
file(WRITE ${OUTPUT} "${output}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${command}\nexited with ${result}\n${errors}\n${output}")
endif()
if(NOT output MATCHES "${EXPECT_TEXT}")
  message(FATAL_ERROR "the output lacks \"${EXPECT_TEXT}\":\n${output}")
endif()
execute_process(
  COMMAND ${COMPARE} ${EXPECTED} ${OUTPUT} ${TOLERANCE}
  OUTPUT_VARIABLE report
  ERROR_VARIABLE report
  RESULT_VARIABLE compare_result)
message("${report}")
if(NOT compare_result EQUAL 0)
  message(FATAL_ERROR "the output in ${OUTPUT} differs from ${EXPECTED}")
endif()
