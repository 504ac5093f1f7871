package app.concord.documents.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AckTimerTest {

    @Test
    void anAckIsTimedFromItsOperationsArrival() {
        AckTimer timer = new AckTimer();
        timer.arrived(1, 100);
        timer.arrived(2, 150);
        assertEquals(50, timer.acknowledged(1, 150));
        assertEquals(100, timer.acknowledged(2, 250));
        assertEquals(-1, timer.acknowledged(2, 300), "a repeated ack has no arrival left");
    }

    @Test
    void refusedAndUnacknowledgedArrivalsDoNotSkewLaterAcks() {
        AckTimer timer = new AckTimer();
        timer.arrived(1, 100);
        timer.refused(1);
        timer.arrived(2, 200);
        timer.arrived(3, 300);
        assertEquals(10, timer.acknowledged(3, 310), "the arrival of 2, never acknowledged, is dropped");
        assertEquals(-1, timer.acknowledged(1, 400));
    }

    @Test
    void atMostMaxPendingArrivalsAreKept() {
        AckTimer timer = new AckTimer();
        for (int seq = 1; seq <= AckTimer.MAX_PENDING + 1; seq++) {
            timer.arrived(seq, seq);
        }
        assertEquals(-1, timer.acknowledged(1, 5), "the oldest arrival was forgotten");
        assertEquals(0, timer.acknowledged(AckTimer.MAX_PENDING + 1, AckTimer.MAX_PENDING + 1));
    }
}
