# Runs EXPORTER --load on the weight file it saved in FOLDER and checks that
# the header it writes is byte-identical to the one written after training.

execute_process(
  COMMAND ${EXPORTER} --load ${FOLDER}/fashion_mnist.weights
          --header ${FOLDER}/fashion_mnist_model.reloaded.hpp
  OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
message("${output}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the exporter failed to load ${FOLDER}/fashion_mnist.weights")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E compare_files ${FOLDER}/fashion_mnist_model.hpp
          ${FOLDER}/fashion_mnist_model.reloaded.hpp
  RESULT_VARIABLE different)
if(different)
  message(FATAL_ERROR "the header exported from the reloaded weights differs")
endif()
