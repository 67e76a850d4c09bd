package dev.glassbox.app.ui;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.util.StringConverter;

import dev.glassbox.app.service.TrainingSettings;
import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.Freezing;
import dev.glassbox.engine.train.Regime;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The trainer's options beyond the basic shape, with the CLI's meanings: block design, the ROOTS orthogonality
 * penalty, mixture-of-experts and random routing, the context method used while training, and frozen layers. Each
 * value is checked by the engine record that takes it, and a refusal is shown next to the control it came from.
 */
final class TrainOptionsPane extends TitledPane {
    static final String LLAMA = "Llama";
    static final String GPT2 = "GPT-2";
    static final String CUSTOM = "custom";
    static final List<String> CONTEXT_EXAMPLES = List.of("full", "sliding:W=16", "longformer:w=16,global=[0]",
            "xl:segment=32,memory=32", "compressive:memory=16,compressed=8,rate=4", "rosa:B=8");

    final ComboBox<String> preset = new ComboBox<>();
    final ChoiceBox<BlockDesign.Norm> norm = enumChoice(BlockDesign.Norm.values());
    final ChoiceBox<BlockDesign.Mlp> mlp = enumChoice(BlockDesign.Mlp.values());
    final ChoiceBox<BlockDesign.Positions> positions = enumChoice(BlockDesign.Positions.values());
    final CheckBox attentionBias = Texts.bind(new CheckBox(), "train.attentionBias");
    final Label designError = new Label();
    final SettingField orthogonality = new SettingField("trainOrthogonality", "train.orthogonality", "0", "train.orthogonalityTip");
    final SettingField experts = new SettingField("trainExperts", "train.experts", "0", "train.expertsTip");
    final SettingField topK = new SettingField("trainTopK", "train.topK", "1", "train.topKTip");
    final ChoiceBox<ExpertRouter.Kind> router = enumChoice(ExpertRouter.Kind.values());
    final Label routerName = Texts.label("train.router");
    final SettingField balanceLoss = new SettingField("trainBalanceLoss", "train.balanceLoss", "0.01", "train.balanceLossTip");
    final SettingField randomRouting = new SettingField("trainRandomRouting", "train.randomRouting", "0", "train.randomRoutingTip");
    final ComboBox<String> context = new ComboBox<>();
    final Label contextName = Texts.label("train.context");
    final Label contextError = new Label();
    final SettingField freeze = new SettingField("trainFreeze", "train.freeze", "none", "train.freezeTip");

    private boolean syncing;

    TrainOptionsPane() {
        Texts.bind(this, "train.options");
        setId("trainOptions");
        setExpanded(false);
        setAnimated(false);
        setMaxWidth(Double.MAX_VALUE);
        preset.getItems().addAll(LLAMA, GPT2, CUSTOM);
        preset.setValue(LLAMA);
        preset.setId("trainPreset");
        preset.setTooltip(Texts.tooltip("train.presetTip"));
        Texts.names(preset.converterProperty(), p -> CUSTOM.equals(p) ? I18n.text("train.custom") : p);
        norm.setId("trainNorm");
        norm.setTooltip(Texts.tooltip("train.normTip"));
        mlp.setId("trainMlp");
        mlp.setTooltip(Texts.tooltip("train.mlpTip"));
        positions.setId("trainPositions");
        positions.setTooltip(Texts.tooltip("train.positionsTip"));
        attentionBias.setId("trainAttentionBias");
        attentionBias.setTooltip(Texts.tooltip("train.attentionBiasTip"));
        designError.setId("trainDesignError");
        router.setId("trainRouter");
        router.setTooltip(Texts.tooltip("train.routerTip"));
        routerName.setLabelFor(router);
        context.setId("trainContext");
        context.setEditable(true);
        context.getItems().addAll(CONTEXT_EXAMPLES);
        context.setValue("full");
        context.setPrefWidth(210);
        context.setTooltip(Texts.tooltip("train.contextTip"));
        contextName.setLabelFor(context);
        contextError.setId("trainContextError");
        for (Label l : List.of(designError, contextError)) { // long engine messages: a row of their own
            SettingField.styleAsError(l);
            l.setWrapText(true);
            l.setMaxWidth(360);
            l.managedProperty().bind(l.textProperty().isNotEmpty());
        }
        showDesign(BlockDesign.LLAMA);
        preset.valueProperty().addListener((o, a, b) -> {
            if (!syncing && b != null && !b.equals(CUSTOM)) {
                showDesign(b.equals(GPT2) ? BlockDesign.GPT2 : BlockDesign.LLAMA);
            }
        });
        norm.valueProperty().addListener((o, a, b) -> designEdited());
        mlp.valueProperty().addListener((o, a, b) -> designEdited());
        positions.valueProperty().addListener((o, a, b) -> designEdited());
        attentionBias.selectedProperty().addListener((o, a, b) -> designEdited());
        context.valueProperty().addListener((o, a, b) -> contextError.setText(""));
        context.getEditor().textProperty().addListener((o, a, b) -> contextError.setText(""));
        router.valueProperty().addListener((o, a, b) -> topK.clear());
        setContent(form());
    }

    private static <E extends Enum<E>> ChoiceBox<E> enumChoice(E[] values) {
        ChoiceBox<E> c = new ChoiceBox<>();
        c.getItems().addAll(values);
        c.setValue(values[0]);
        c.setMinWidth(Region.USE_PREF_SIZE); // never clip "swiglu" or "learned"
        c.setConverter(new StringConverter<>() {
            @Override // as the command line spells it: "xl-relative"
            public String toString(E e) { return e == null ? "" : e.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

            @Override
            public E fromString(String s) { throw new UnsupportedOperationException(); }
        });
        return c;
    }

    private GridPane form() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        g.setPadding(new Insets(4));
        int r = 0;
        Label presetName = Texts.label("train.design");
        presetName.setLabelFor(preset);
        g.addRow(r++, presetName, preset);
        g.add(new HBox(4, norm, mlp, positions), 1, r++, 2, 1);
        g.add(attentionBias, 1, r++, 2, 1);
        g.add(designError, 0, r++, 3, 1);
        g.addRow(r++, orthogonality.name, orthogonality.field, orthogonality.error);
        for (SettingField f : List.of(experts, topK)) {
            g.addRow(r++, f.name, f.field, f.error);
        }
        g.addRow(r++, routerName, router);
        for (SettingField f : List.of(balanceLoss, randomRouting)) {
            g.addRow(r++, f.name, f.field, f.error);
        }
        g.addRow(r++, contextName, context);
        g.add(contextError, 0, r++, 3, 1);
        g.addRow(r, freeze.name, freeze.field, freeze.error);
        for (Label name : List.of(presetName, orthogonality.name, experts.name, topK.name, routerName, balanceLoss.name,
                randomRouting.name, contextName, freeze.name)) {
            name.setMinWidth(Region.USE_PREF_SIZE);
        }
        return g;
    }

    private void showDesign(BlockDesign d) {
        syncing = true;
        norm.setValue(d.norm());
        mlp.setValue(d.mlp());
        positions.setValue(d.positions());
        attentionBias.setSelected(d.attentionBias());
        syncing = false;
        designError.setText("");
    }

    private void designEdited() {
        designError.setText("");
        if (syncing) {
            return;
        }
        BlockDesign d = design();
        syncing = true;
        preset.setValue(d.equals(BlockDesign.LLAMA) ? LLAMA : d.equals(BlockDesign.GPT2) ? GPT2 : CUSTOM);
        syncing = false;
    }

    BlockDesign design() {
        return new BlockDesign(norm.getValue(), mlp.getValue(), positions.getValue(), attentionBias.isSelected());
    }

    List<SettingField> fields() {
        return List.of(orthogonality, experts, topK, balanceLoss, randomRouting, freeze);
    }

    void clear() {
        fields().forEach(SettingField::clear);
        designError.setText("");
        contextError.setText("");
    }

    boolean failed() {
        return fields().stream().anyMatch(SettingField::failed) || !designError.getText().isEmpty()
                || !contextError.getText().isEmpty();
    }

    // ---- session: the options by name, as a .glassbox file saves them ----

    /** A field's name in a session: its id without "train", e.g. {@code kvHeads}, {@code balanceLoss}. */
    static String sessionName(SettingField f) {
        String n = f.field.getId().substring("train".length());
        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    /** Adds these options to {@code out}, each by name. */
    void saveTo(Map<String, String> out) {
        out.put("preset", preset.getValue());
        out.put("norm", norm.getConverter().toString(norm.getValue()));
        out.put("mlp", mlp.getConverter().toString(mlp.getValue()));
        out.put("positions", positions.getConverter().toString(positions.getValue()));
        out.put("attentionBias", Boolean.toString(attentionBias.isSelected()));
        out.put("router", router.getConverter().toString(router.getValue()));
        out.put("context", contextSpec());
        fields().forEach(f -> out.put(sessionName(f), f.field.getText()));
    }

    /**
     * Puts into {@code setters}, by name, what sets each option from a session's text (the preset before the design
     * choices it implies); each refuses a value it cannot take before anything changes.
     */
    void sessionSetters(Map<String, Function<String, Runnable>> setters) {
        setters.put("preset", v -> {
            if (!preset.getItems().contains(v)) {
                throw new IllegalArgumentException("preset " + v + " is not one of " + preset.getItems());
            }
            return () -> preset.setValue(v);
        });
        setters.put("norm", choice("norm", norm));
        setters.put("mlp", choice("mlp", mlp));
        setters.put("positions", choice("positions", positions));
        setters.put("attentionBias", flag("attentionBias", attentionBias));
        setters.put("router", choice("router", router));
        setters.put("context", v -> () -> {
            context.setValue(v);
            context.getEditor().setText(v);
        });
        fields().forEach(f -> setters.put(sessionName(f), v -> () -> f.field.setText(v)));
    }

    static Function<String, Runnable> flag(String name, CheckBox box) {
        return v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(name + " " + v + " is neither true nor false");
            }
            return () -> box.setSelected(Boolean.parseBoolean(v));
        };
    }

    private static <E> Function<String, Runnable> choice(String name, ChoiceBox<E> box) {
        return v -> {
            E e = box.getItems().stream().filter(x -> box.getConverter().toString(x).equals(v)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(name + " " + v + " is not one of "
                            + box.getItems().stream().map(box.getConverter()::toString).toList()));
            return () -> box.setValue(e);
        };
    }

    /** The context spec as typed (the editor's text, also before it is committed). */
    String contextSpec() {
        String typed = context.getEditor().getText();
        return typed == null || typed.isBlank() ? String.valueOf(context.getValue()) : typed;
    }

    /**
     * Reads the options for a model of {@code seq} tokens and {@code layers} blocks (null when either is not known
     * yet: those checks are skipped); null with messages next to the controls when something is refused.
     */
    TrainingSettings.Extras read(Integer seq, Integer layers) {
        clear();
        Float lambda = orthogonality.readFloat(0f, 10f);
        RoutingDesign routing = routing();
        ContextTraining ctx = null;
        if (seq != null) {
            try {
                ctx = ContextTraining.parse(contextSpec(), seq);
            } catch (IllegalArgumentException e) {
                contextError.setText(e.getMessage());
            }
        }
        Freezing frozen = null;
        try {
            frozen = Freezing.parse(freeze.field.getText());
            if (layers != null) {
                frozen.validate(layers);
            }
        } catch (IllegalArgumentException e) {
            freeze.fail(e.getMessage());
        }
        if (lambda == null || routing == null || ctx == null || frozen == null) {
            return null;
        }
        return new TrainingSettings.Extras(design(), routing, ctx, new Regime(lambda, frozen, null));
    }

    /**
     * The routing, built one value at a time so the engine's refusal lands next to the value that caused it. As in
     * the CLI, the balance loss applies to learned routers with experts only.
     */
    private RoutingDesign routing() {
        Integer e = experts.readInt(0, 256);
        Integer k = topK.readInt(1, 256);
        Float alpha = balanceLoss.readFloat(0f, 99.999f);
        Float p = randomRouting.readFloat(0f, 0.999f);
        if (e == null) {
            return null;
        }
        ExpertRouter.Kind kind = router.getValue();
        RoutingDesign r = attempt(experts, () -> new RoutingDesign(e, 1, ExpertRouter.Kind.TOPK, 0f, 0f));
        if (r != null && k != null) {
            r = attempt(topK, () -> new RoutingDesign(e, e > 0 ? k : 1, kind, 0f, 0f));
        }
        if (r != null && alpha != null && p != null) {
            float applied = e > 0 && kind.learned() ? alpha : 0f;
            r = attempt(randomRouting, () -> new RoutingDesign(e, e > 0 ? k : 1, kind, applied, p));
        }
        return fields().stream().anyMatch(SettingField::failed) ? null : r;
    }

    private static RoutingDesign attempt(SettingField blame, java.util.function.Supplier<RoutingDesign> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException ex) {
            blame.fail(ex.getMessage());
            return null;
        }
    }

    /** Locks the controls while a run trains. */
    void setLocked(boolean locked) {
        preset.setDisable(locked);
        norm.setDisable(locked);
        mlp.setDisable(locked);
        positions.setDisable(locked);
        attentionBias.setDisable(locked);
        router.setDisable(locked);
        context.setDisable(locked);
        for (SettingField f : fields()) {
            f.field.setDisable(locked);
        }
    }
}
