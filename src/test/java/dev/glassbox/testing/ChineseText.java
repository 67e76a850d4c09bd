package dev.glassbox.testing;

import java.util.List;

/** Chinese and mixed-script inputs for the bundled Chinese encoder's tokenizer and forward comparisons. */
public final class ChineseText {
    private ChineseText() {
    }

    /** Over 512 tokens with bge-small-zh-v1.5's tokenizer: one token per character, so it is truncated. */
    public static final String LONG = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。".repeat(24);

    public static final List<String> SENTENCES = List.of(
            "我喜欢在公园里散步。",
            "今天天气很好，我们去爬山吧！",
            "机器学习是人工智能的一个分支。",
            "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
            "他说：“这本书非常有意思。”",
            "请问，火车站怎么走？",
            "北京是中华人民共和国的首都。",
            "我在2024年3月15日买了3台电脑，一共花了12000元。",
            "Transformer模型在NLP任务中表现很好。",
            "我用iPhone 15 Pro拍了一张照片，分辨率是4032x3024。",
            "ＡＢＣ１２３，全角字符：！？（）【】",
            "ｈｅｌｌｏ　ｗｏｒｌｄ，你好世界",
            "价格：￥99.5元（含税）；数量：×3。",
            "《红楼梦》是中国古典四大名著之一。",
            "深度学习（Deep Learning）需要大量的数据和算力。",
            "Email: test@example.com，电话：138-0013-8000",
            "繁體中文的句子也應該可以處理。",
            "日本語とChineseと한국어が混ざった文。",
            "表情符号😀🎉也会出现在文本中。",
            "一二三四五六七八九十百千万亿",
            "Hello, World! 你好，世界！",
            "tabs\t和\n换行\r\n混合   空格",
            "café naïve 咖啡 résumé",
            LONG);
}
