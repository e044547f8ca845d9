// PyTorch's entry: train_pytorch.py run by the system Python, one thread,
// reporting each epoch's training time and the test accuracy.

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "peers.hpp"

namespace bench {

training_result pytorch_training(const std::string& python, const std::string& script,
                                 const std::string& data, std::size_t batch, std::size_t epochs,
                                 unsigned seed) {
    const std::string command = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 '" + python + "' '" +
                                script + "' --data '" + data + "' --batch " +
                                std::to_string(batch) + " --epochs " + std::to_string(epochs) +
                                " --seed " + std::to_string(seed);
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("could not start: " + command);

    training_result result;
    bool have_accuracy = false;
    char line[256];
    while (std::fgets(line, sizeof line, pipe.get()) != nullptr) {
        double value = 0;
        if (std::sscanf(line, "epoch_seconds %lf", &value) == 1)
            result.epoch_seconds.push_back(value);
        else if (std::sscanf(line, "test_accuracy %lf", &value) == 1) {
            result.test_accuracy = value;
            have_accuracy = true;
        }
    }
    const int status = pclose(pipe.release());
    if (status != 0 || !have_accuracy || result.epoch_seconds.size() != epochs)
        throw std::runtime_error("the PyTorch run failed (exit status " + std::to_string(status) +
                                 "): " + command);
    return result;
}

}  // namespace bench
