package dev.glassbox.engine.format.onnx;

import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtException;

/**
 * ONNX Runtime running a bundled encoder's .onnx file, the reference our BERT forward is checked against; its last
 * hidden state is the graph output {@code output}.
 */
record OnnxReference(OrtEnvironment env, OrtSession session, String output) implements AutoCloseable {

    /** A session on {@code encoder}'s graph, reading its last hidden state from the graph output {@code output}. */
    static OnnxReference open(BundledEncoder encoder, String output) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (InputStream in = OnnxReference.class.getClassLoader().getResourceAsStream(encoder.onnxResource())) {
            return new OnnxReference(env, env.createSession(in.readAllBytes(), new OrtSession.SessionOptions()), output);
        }
    }

    /** The last hidden state [token][dim] for {@code ids} with token types {@code types}, attention on every token. */
    float[][] lastHiddenState(int[] ids, int[] types) throws OrtException {
        long[] shape = {1, ids.length};
        long[] idsL = Arrays.stream(ids).asLongStream().toArray();
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        long[] typesL = Arrays.stream(types).asLongStream().toArray();
        try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(idsL), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
             OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(typesL), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t),
                     Set.of(output))) {
            return ((float[][][]) r.get(0).getValue())[0];
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
