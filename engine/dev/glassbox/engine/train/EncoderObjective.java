package dev.glassbox.engine.train;

import java.util.Locale;

/**
 * The encoder pre-training objectives: masked LM (Devlin et al. 2019, sec. 3.1 task 1), BERT's joint MLM + next
 * sentence prediction (sec. 3.1 task 2) and ELECTRA's replaced-token detection (Clark et al. 2020, eq. 1-3).
 */
public enum EncoderObjective {
    MLM, NSP, RTD;

    /** The CLI spelling (lower case). */
    public String spelling() { return name().toLowerCase(Locale.ROOT); }

    public static EncoderObjective parse(String option, String value) {
        for (EncoderObjective o : values()) {
            if (o.spelling().equalsIgnoreCase(value)) return o;
        }
        throw new IllegalArgumentException(option + " '" + value + "' is not one of causal, mlm, nsp, rtd");
    }
}
