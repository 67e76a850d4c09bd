package dev.glassbox.app.ui;

import org.junit.jupiter.api.AfterEach;

/** What the Train workspace tests share: a wide window, its Train workspace and driver, no training left running. */
abstract class TrainTestBase extends WindowTestBase {
    TrainWorkspace train;
    TrainDriver driver;

    TrainTestBase() {
        super(1500, 950);
    }

    @Override
    void opened() {
        train = window.train();
        driver = new TrainDriver(window);
    }

    @AfterEach
    void stopTraining() throws Exception {
        if (train.running()) {
            train.controller().stop(); // a decoder or an encoder run
        }
    }
}
