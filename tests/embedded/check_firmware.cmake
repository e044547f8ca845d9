# Checks firmware ELF: the model's parameter array NAMESPACE::parameters is
# in a read-only section (.rodata, which the linker places in flash).

execute_process(COMMAND ${OBJDUMP} -t ${ELF} OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} failed on ${ELF}")
endif()
string(LENGTH ${NAMESPACE} length)
set(mangled "_ZN${length}${NAMESPACE}10parametersE")
# objdump -t lines: address, flags, section, size, name.
if(NOT symbols MATCHES "[0-9a-f]+ [^\n]* O \\.rodata[ \t]+[0-9a-f]+ ${mangled}\n")
  string(REGEX MATCH "[^\n]*${mangled}[^\n]*" line "${symbols}")
  message(FATAL_ERROR "${mangled} is not read-only data in ${ELF}: '${line}'")
endif()
execute_process(COMMAND ${SIZE} ${ELF} OUTPUT_VARIABLE sizes)
message("${sizes}${mangled} is in .rodata")
